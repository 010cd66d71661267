# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/brel
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(config_shipped_is_valid "/work/main/brel/esra" "config" "check" "-c" "/work/main/etc/esra.conf")
set_tests_properties(config_shipped_is_valid PROPERTIES  _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;70;add_test;/work/main/CMakeLists.txt;0;")
subdirs("tests/harness")
subdirs("tests/unit")
