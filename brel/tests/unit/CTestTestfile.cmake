# CMake generated Testfile for 
# Source directory: /work/main/tests/unit
# Build directory: /work/main/brel/tests/unit
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(test_act "/work/main/brel/tests/unit/test_act")
set_tests_properties(test_act PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_cfg "/work/main/brel/tests/unit/test_cfg")
set_tests_properties(test_cfg PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_dns "/work/main/brel/tests/unit/test_dns")
set_tests_properties(test_dns PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_docker "/work/main/brel/tests/unit/test_docker")
set_tests_properties(test_docker PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_eureka "/work/main/brel/tests/unit/test_eureka")
set_tests_properties(test_eureka PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_jstream "/work/main/brel/tests/unit/test_jstream")
set_tests_properties(test_jstream PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_model "/work/main/brel/tests/unit/test_model")
set_tests_properties(test_model PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_recon "/work/main/brel/tests/unit/test_recon")
set_tests_properties(test_recon PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(test_report "/work/main/brel/tests/unit/test_report")
set_tests_properties(test_report PROPERTIES  ENVIRONMENT "ESRA_FIXTURES=/work/main/tests/fixtures" TIMEOUT "120" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;14;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
