file(REMOVE_RECURSE
  "CMakeFiles/esra.dir/agent/main.c.o"
  "CMakeFiles/esra.dir/agent/main.c.o.d"
  "CMakeFiles/esra.dir/agent/watch.c.o"
  "CMakeFiles/esra.dir/agent/watch.c.o.d"
  "esra"
  "esra.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/esra.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
