file(REMOVE_RECURSE
  "CMakeFiles/esra_fakedns.dir/fakedns.c.o"
  "CMakeFiles/esra_fakedns.dir/fakedns.c.o.d"
  "libesra_fakedns.a"
  "libesra_fakedns.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/esra_fakedns.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
