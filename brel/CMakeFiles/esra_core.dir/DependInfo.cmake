
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/act.c" "CMakeFiles/esra_core.dir/src/act.c.o" "gcc" "CMakeFiles/esra_core.dir/src/act.c.o.d"
  "/work/main/src/buf.c" "CMakeFiles/esra_core.dir/src/buf.c.o" "gcc" "CMakeFiles/esra_core.dir/src/buf.c.o.d"
  "/work/main/src/cfg.c" "CMakeFiles/esra_core.dir/src/cfg.c.o" "gcc" "CMakeFiles/esra_core.dir/src/cfg.c.o.d"
  "/work/main/src/common.c" "CMakeFiles/esra_core.dir/src/common.c.o" "gcc" "CMakeFiles/esra_core.dir/src/common.c.o.d"
  "/work/main/src/cycle.c" "CMakeFiles/esra_core.dir/src/cycle.c.o" "gcc" "CMakeFiles/esra_core.dir/src/cycle.c.o.d"
  "/work/main/src/dns.c" "CMakeFiles/esra_core.dir/src/dns.c.o" "gcc" "CMakeFiles/esra_core.dir/src/dns.c.o.d"
  "/work/main/src/docker.c" "CMakeFiles/esra_core.dir/src/docker.c.o" "gcc" "CMakeFiles/esra_core.dir/src/docker.c.o.d"
  "/work/main/src/eureka.c" "CMakeFiles/esra_core.dir/src/eureka.c.o" "gcc" "CMakeFiles/esra_core.dir/src/eureka.c.o.d"
  "/work/main/src/finding.c" "CMakeFiles/esra_core.dir/src/finding.c.o" "gcc" "CMakeFiles/esra_core.dir/src/finding.c.o.d"
  "/work/main/src/hmap.c" "CMakeFiles/esra_core.dir/src/hmap.c.o" "gcc" "CMakeFiles/esra_core.dir/src/hmap.c.o.d"
  "/work/main/src/http.c" "CMakeFiles/esra_core.dir/src/http.c.o" "gcc" "CMakeFiles/esra_core.dir/src/http.c.o.d"
  "/work/main/src/ipaddr.c" "CMakeFiles/esra_core.dir/src/ipaddr.c.o" "gcc" "CMakeFiles/esra_core.dir/src/ipaddr.c.o.d"
  "/work/main/src/jstream.c" "CMakeFiles/esra_core.dir/src/jstream.c.o" "gcc" "CMakeFiles/esra_core.dir/src/jstream.c.o.d"
  "/work/main/src/log.c" "CMakeFiles/esra_core.dir/src/log.c.o" "gcc" "CMakeFiles/esra_core.dir/src/log.c.o.d"
  "/work/main/src/model.c" "CMakeFiles/esra_core.dir/src/model.c.o" "gcc" "CMakeFiles/esra_core.dir/src/model.c.o.d"
  "/work/main/src/netns.c" "CMakeFiles/esra_core.dir/src/netns.c.o" "gcc" "CMakeFiles/esra_core.dir/src/netns.c.o.d"
  "/work/main/src/pool.c" "CMakeFiles/esra_core.dir/src/pool.c.o" "gcc" "CMakeFiles/esra_core.dir/src/pool.c.o.d"
  "/work/main/src/probe.c" "CMakeFiles/esra_core.dir/src/probe.c.o" "gcc" "CMakeFiles/esra_core.dir/src/probe.c.o.d"
  "/work/main/src/recon.c" "CMakeFiles/esra_core.dir/src/recon.c.o" "gcc" "CMakeFiles/esra_core.dir/src/recon.c.o.d"
  "/work/main/src/report.c" "CMakeFiles/esra_core.dir/src/report.c.o" "gcc" "CMakeFiles/esra_core.dir/src/report.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
