file(REMOVE_RECURSE
  "CMakeFiles/test_eureka.dir/test_eureka.c.o"
  "CMakeFiles/test_eureka.dir/test_eureka.c.o.d"
  "test_eureka"
  "test_eureka.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_eureka.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
