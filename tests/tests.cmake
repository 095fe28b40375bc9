# Registers every test with ctest. Core suites are discovered from TEST_SUITE("...") in
# tests/core/*.cpp, so a new suite needs no edit here; each suite is one ctest test, run natively
# in the native build and under Node.js in the web build.
file(GLOB CRM_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/core/*.cpp)
add_executable(crm_tests ${CRM_TEST_SOURCES})
target_link_libraries(crm_tests PRIVATE crm_core)
target_include_directories(crm_tests PRIVATE ${CMAKE_SOURCE_DIR}/tests/core)
target_compile_options(crm_tests PRIVATE ${CRM_WARNINGS})
target_compile_definitions(crm_tests PRIVATE CRM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

set(CRM_TEST_SUITES "")
foreach(src ${CRM_TEST_SOURCES})
  file(STRINGS ${src} lines REGEX "TEST_SUITE\\(\"[^\"]+\"")
  foreach(line ${lines})
    string(REGEX MATCH "TEST_SUITE\\(\"([^\"]+)\"" _ "${line}")
    list(APPEND CRM_TEST_SUITES ${CMAKE_MATCH_1})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES CRM_TEST_SUITES)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CRM_TEST_SOURCES})

if(CRM_WEB)
  find_program(CRM_NODE node REQUIRED)
  set_target_properties(crm_tests PROPERTIES SUFFIX .js)
  target_link_options(crm_tests PRIVATE -sENVIRONMENT=node -sNODERAWFS=1 -sEXIT_RUNTIME=1)
  foreach(suite ${CRM_TEST_SUITES})
    add_test(NAME core.wasm.${suite} COMMAND ${CRM_NODE} --no-experimental-fetch $<TARGET_FILE:crm_tests> --test-suite=${suite}
             WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  endforeach()
  if(CRM_BUILD_APP)
    file(GLOB CRM_E2E_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/e2e/*.test.js)
    foreach(test ${CRM_E2E_TESTS})
      get_filename_component(name ${test} NAME_WE)
      add_test(NAME e2e.${name} COMMAND ${CRM_NODE} ${test}
               WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
      set_tests_properties(e2e.${name} PROPERTIES
        ENVIRONMENT "CRM_SITE=${CMAKE_BINARY_DIR}/site;CRM_OUT=${CMAKE_BINARY_DIR}/e2e;NODE_PATH=${CRM_THIRD_PARTY}/node/node_modules"
        TIMEOUT 300 RUN_SERIAL ON)
    endforeach()
    set_tests_properties(e2e.workflow_flow PROPERTIES TIMEOUT 900)  # a whole flow: builder, records, approvals
    set_tests_properties(e2e.report_cancel PROPERTIES TIMEOUT 900)  # makes 60,000 records, runs over them three times
    set_tests_properties(e2e.storage_tab_drafts_more PROPERTIES TIMEOUT 600)  # five editors, each over two tabs
    set_tests_properties(e2e.ui_language_sweep PROPERTIES TIMEOUT 900)  # every page and tab, in both languages
    # CRM_CRASH_ROUNDS=50 (the issue's 50 deaths) runs for many minutes: above the test's own 40-minute budget.
    set_tests_properties(e2e.storage_crash PROPERTIES TIMEOUT 2700)
  endif()
else()
  foreach(suite ${CRM_TEST_SUITES})
    add_test(NAME core.native.${suite} COMMAND crm_tests --test-suite=${suite}
             WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  endforeach()
  # The formula fuzzer needs clang's libFuzzer; a short run is part of the native tests. It is compiled
  # with the build (a sanitized compile of SQLite and the formula sources takes minutes on a busy machine,
  # which the test's time limit should not pay); the test only rebuilds it when a source is newer.
  add_custom_target(formula_fuzz ALL COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fuzz/formula_fuzz.test.sh
                    ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR} build)
  add_test(NAME fuzz.formula COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fuzz/formula_fuzz.test.sh
           ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
  set_tests_properties(fuzz.formula PROPERTIES TIMEOUT 600)
  # The libcurl transports against real peers on 127.0.0.1 (tests/net/*_peer.py, started by the tests).
  file(GLOB CRM_NET_TEST_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/net/*.cpp)
  add_executable(crm_net_tests ${CRM_NET_TEST_SOURCES})
  target_link_libraries(crm_net_tests PRIVATE crm_net)
  target_compile_options(crm_net_tests PRIVATE ${CRM_WARNINGS})
  target_compile_definitions(crm_net_tests PRIVATE CRM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  foreach(suite net.smtp net.http net.erp)
    add_test(NAME ${suite} COMMAND crm_net_tests --test-suite=${suite} WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
    set_tests_properties(${suite} PROPERTIES TIMEOUT 180)
  endforeach()
  if(CRM_BUILD_APP)
    file(GLOB CRM_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.test.sh)
    foreach(test ${CRM_CLI_TESTS})
      get_filename_component(name ${test} NAME_WE)
      add_test(NAME cli.${name} COMMAND bash ${test} $<TARGET_FILE:crm>)
    endforeach()
    file(GLOB CRM_NET_SHELL_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/net/*.test.sh)
    foreach(test ${CRM_NET_SHELL_TESTS})
      get_filename_component(name ${test} NAME_WE)
      add_test(NAME net.${name} COMMAND bash ${test} $<TARGET_FILE:crm>)
      set_tests_properties(net.${name} PROPERTIES TIMEOUT 120)
    endforeach()
    file(GLOB CRM_DESKTOP_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/desktop/*.test.sh)
    foreach(test ${CRM_DESKTOP_TESTS})
      get_filename_component(name ${test} NAME_WE)
      add_test(NAME desktop.${name} COMMAND bash ${test} $<TARGET_FILE:crm-console> ${CMAKE_BINARY_DIR}/desktop)
      set_tests_properties(desktop.${name} PROPERTIES TIMEOUT 180 RUN_SERIAL ON)
    endforeach()
  endif()
endif()
