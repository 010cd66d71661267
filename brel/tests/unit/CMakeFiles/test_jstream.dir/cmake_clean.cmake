file(REMOVE_RECURSE
  "CMakeFiles/test_jstream.dir/test_jstream.c.o"
  "CMakeFiles/test_jstream.dir/test_jstream.c.o.d"
  "test_jstream"
  "test_jstream.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_jstream.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
