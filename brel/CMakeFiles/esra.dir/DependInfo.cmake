
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/agent/main.c" "CMakeFiles/esra.dir/agent/main.c.o" "gcc" "CMakeFiles/esra.dir/agent/main.c.o.d"
  "/work/main/agent/watch.c" "CMakeFiles/esra.dir/agent/watch.c.o" "gcc" "CMakeFiles/esra.dir/agent/watch.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/brel/CMakeFiles/esra_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
