file(REMOVE_RECURSE
  "CMakeFiles/test_act.dir/test_act.c.o"
  "CMakeFiles/test_act.dir/test_act.c.o.d"
  "test_act"
  "test_act.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_act.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
