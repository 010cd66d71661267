file(REMOVE_RECURSE
  "CMakeFiles/test_recon.dir/test_recon.c.o"
  "CMakeFiles/test_recon.dir/test_recon.c.o.d"
  "test_recon"
  "test_recon.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_recon.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
