# One benchmark executable per folder under bench/ with C++ sources (bench_<area>), built natively
# and for wasm. Folders with only *.bench.js (browser benchmarks) are run by scripts/bench.sh.
file(GLOB CRM_BENCH_AREAS LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/bench/*)
foreach(dir ${CRM_BENCH_AREAS})
  if(IS_DIRECTORY ${dir})
    get_filename_component(area ${dir} NAME)
    file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cpp)
    list(FILTER sources EXCLUDE REGEX "/integration/api_[^/]*\\.cpp$")  # bench_integration_api, below
    list(FILTER sources EXCLUDE REGEX "/integration/webhook_[^/]*\\.cpp$")  # bench_integration_webhook
    list(FILTER sources EXCLUDE REGEX "/integration/sync_[^/]*\\.cpp$")  # bench_integration_sync
    if(NOT sources)
      continue()
    endif()
    if(area STREQUAL "outbox" AND CRM_WEB)
      continue()  # delivers over libcurl: native only
    endif()
    add_executable(bench_${area} ${sources})
    target_link_libraries(bench_${area} PRIVATE crm_core)
    if(area STREQUAL "outbox")
      target_link_libraries(bench_${area} PRIVATE crm_net)
      target_include_directories(bench_${area} PRIVATE ${CMAKE_SOURCE_DIR}/tests/net)
      target_compile_definitions(bench_${area} PRIVATE CRM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    endif()
    target_include_directories(bench_${area} PRIVATE ${CMAKE_SOURCE_DIR}/bench)
    target_compile_options(bench_${area} PRIVATE ${CRM_WARNINGS})
    if(CRM_WEB)
      set_target_properties(bench_${area} PROPERTIES SUFFIX .js)
      # The console's own storage for the workspace a benchmark names (bench::UseConsoleStorage).
      target_sources(bench_${area} PRIVATE ${CMAKE_SOURCE_DIR}/web/page_vfs.cpp)
      target_include_directories(bench_${area} PRIVATE ${CMAKE_SOURCE_DIR})
      target_link_options(bench_${area} PRIVATE -sENVIRONMENT=node -sNODERAWFS=1 -sEXIT_RUNTIME=1
        --pre-js ${CMAKE_SOURCE_DIR}/bench/console_pages.js)
      set_property(TARGET bench_${area} APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/bench/console_pages.js)
    endif()
  endif()
endforeach()

# The local API server over loopback HTTP (bench/integration/api_*.cpp): native only (sockets, threads),
# its own executable beside the folder's; `scripts/bench.sh integration` runs both.
file(GLOB CRM_BENCH_API_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/integration/api_*.cpp)
if(CRM_BENCH_API_SOURCES AND NOT CRM_WEB)
  find_package(PkgConfig REQUIRED)
  find_package(Threads REQUIRED)
  if(NOT TARGET PkgConfig::HTTPLIB)
    pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  endif()
  add_executable(bench_integration_api ${CRM_BENCH_API_SOURCES} ${CMAKE_SOURCE_DIR}/native/cli_serve.cpp)
  target_link_libraries(bench_integration_api PRIVATE crm_core PkgConfig::HTTPLIB Threads::Threads)
  target_include_directories(bench_integration_api PRIVATE ${CMAKE_SOURCE_DIR}/bench ${CMAKE_SOURCE_DIR}/native)
  target_compile_options(bench_integration_api PRIVATE ${CRM_WARNINGS})
endif()

# Webhook deliveries to a local HTTP peer (bench/integration/webhook_*.cpp): native only (libcurl), its own
# executable beside the folder's; `scripts/bench.sh integration` runs it too.
file(GLOB CRM_BENCH_WEBHOOK_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/integration/webhook_*.cpp)
if(CRM_BENCH_WEBHOOK_SOURCES AND NOT CRM_WEB)
  add_executable(bench_integration_webhook ${CRM_BENCH_WEBHOOK_SOURCES})
  target_link_libraries(bench_integration_webhook PRIVATE crm_core crm_net)
  target_include_directories(bench_integration_webhook PRIVATE ${CMAKE_SOURCE_DIR}/bench ${CMAKE_SOURCE_DIR}/tests/net)
  target_compile_definitions(bench_integration_webhook PRIVATE CRM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_compile_options(bench_integration_webhook PRIVATE ${CRM_WARNINGS})
endif()

# The ERP connector pulling from the local stand-in (bench/integration/sync_*.cpp, tests/net/erp_standin.py):
# native only (libcurl, a child process), its own executable; `scripts/bench.sh integration` runs it too.
file(GLOB CRM_BENCH_SYNC_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/bench/integration/sync_*.cpp)
if(CRM_BENCH_SYNC_SOURCES AND NOT CRM_WEB)
  add_executable(bench_integration_sync ${CRM_BENCH_SYNC_SOURCES})
  target_link_libraries(bench_integration_sync PRIVATE crm_core crm_net)
  target_include_directories(bench_integration_sync PRIVATE ${CMAKE_SOURCE_DIR}/bench ${CMAKE_SOURCE_DIR}/tests/net)
  target_compile_definitions(bench_integration_sync PRIVATE CRM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_compile_options(bench_integration_sync PRIVATE ${CRM_WARNINGS})
endif()
