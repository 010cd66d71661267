file(REMOVE_RECURSE
  "CMakeFiles/esra-fakedns.dir/fakedns_main.c.o"
  "CMakeFiles/esra-fakedns.dir/fakedns_main.c.o.d"
  "esra-fakedns"
  "esra-fakedns.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/esra-fakedns.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
