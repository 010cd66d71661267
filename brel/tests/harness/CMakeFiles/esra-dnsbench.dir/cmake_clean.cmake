file(REMOVE_RECURSE
  "CMakeFiles/esra-dnsbench.dir/dnsbench.c.o"
  "CMakeFiles/esra-dnsbench.dir/dnsbench.c.o.d"
  "esra-dnsbench"
  "esra-dnsbench.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/esra-dnsbench.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
