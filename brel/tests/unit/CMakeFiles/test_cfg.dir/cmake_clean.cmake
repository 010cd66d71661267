file(REMOVE_RECURSE
  "CMakeFiles/test_cfg.dir/test_cfg.c.o"
  "CMakeFiles/test_cfg.dir/test_cfg.c.o.d"
  "test_cfg"
  "test_cfg.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_cfg.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
