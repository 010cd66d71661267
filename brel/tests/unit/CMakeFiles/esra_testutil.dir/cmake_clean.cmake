file(REMOVE_RECURSE
  "CMakeFiles/esra_testutil.dir/testutil.c.o"
  "CMakeFiles/esra_testutil.dir/testutil.c.o.d"
  "libesra_testutil.a"
  "libesra_testutil.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/esra_testutil.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
