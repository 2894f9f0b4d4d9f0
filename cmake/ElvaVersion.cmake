# `elva --version`: the project version and the git commit the build was configured from, in one
# small generated file (cli/version.cpp), so a new commit recompiles that file and relinks elva,
# nothing else. configure_file rewrites it only when its text changes; CMake configures again
# when HEAD or the branch it points to moves (a clone without git says "unknown").
find_package(Git QUIET)
set(ELVA_GIT_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _commit
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _commit)
    set(ELVA_GIT_COMMIT "${_commit}")
  endif()
  # Configure again when a commit is made: HEAD, and the branch file it names.
  foreach(_ref HEAD "")
    if(_ref STREQUAL "")
      execute_process(COMMAND ${GIT_EXECUTABLE} symbolic-ref -q HEAD WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                      OUTPUT_VARIABLE _ref OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(NOT _ref)
        continue()
      endif()
    endif()
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --path-format=absolute --git-path ${_ref}
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _path
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(_path AND EXISTS "${_path}")
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_path}")
    endif()
  endforeach()
endif()
configure_file(${PROJECT_SOURCE_DIR}/cli/version.cpp.in ${PROJECT_BINARY_DIR}/cli/version.cpp @ONLY)
