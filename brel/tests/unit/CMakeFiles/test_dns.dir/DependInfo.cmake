
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/unit/test_dns.c" "tests/unit/CMakeFiles/test_dns.dir/test_dns.c.o" "gcc" "tests/unit/CMakeFiles/test_dns.dir/test_dns.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/brel/tests/unit/CMakeFiles/esra_testutil.dir/DependInfo.cmake"
  "/work/main/brel/tests/harness/CMakeFiles/esra_fakedns.dir/DependInfo.cmake"
  "/work/main/brel/CMakeFiles/esra_core_t.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
