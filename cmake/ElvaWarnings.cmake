# elva::warnings: one INTERFACE target every Elva target links, so the warning policy lives in
# one place. CI configures with -DELVA_WERROR=ON.
add_library(elva_warnings INTERFACE)
add_library(elva::warnings ALIAS elva_warnings)
target_compile_options(elva_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wimplicit-fallthrough -Wmissing-declarations)
if(ELVA_WERROR)
  target_compile_options(elva_warnings INTERFACE -Werror)
endif()

# elva_add_test(NAME SOURCES... LIBS ...): one Catch2 executable whose test cases become ctest
# tests (catch_discover_tests). Tests share one precompiled Catch2 main (elva_catch_main).
function(elva_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE elva_catch_main elva::warnings ${T_LIBS})
  target_precompile_headers(${name} REUSE_FROM elva_catch_main)
  catch_discover_tests(${name} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    PROPERTIES ENVIRONMENT "ELVA_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endfunction()

# An engine module (engine/<module>): the modules' own headers (engine/) are on its include path
# privately, so they never travel to what links it. Only engine/include (the public API) does:
# a connector, the CLI or an example that includes a runtime or store header fails to build.
function(elva_engine_module target)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/engine)
endfunction()
