file(REMOVE_RECURSE
  "CMakeFiles/esra-views.dir/esra-views.c.o"
  "CMakeFiles/esra-views.dir/esra-views.c.o.d"
  "esra-views"
  "esra-views.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/esra-views.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
