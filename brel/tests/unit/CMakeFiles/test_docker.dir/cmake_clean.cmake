file(REMOVE_RECURSE
  "CMakeFiles/test_docker.dir/test_docker.c.o"
  "CMakeFiles/test_docker.dir/test_docker.c.o.d"
  "test_docker"
  "test_docker.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_docker.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
