# ncert_cc_library / ncert_cc_test / ncert_cc_binary: one place that sets the
# warning flags and the include root, after Abseil's absl_cc_library.

set(NCERT_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wunused -Woverloaded-virtual -Wdouble-promotion
    -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 reports false positives from simdjson's inlined result types, and
  # -Wrestrict ones on std::string assignment at -O3 (GCC bug 105329).
  list(APPEND NCERT_WARNINGS -Wno-maybe-uninitialized -Wno-restrict)
endif()
if(NCERT_WERROR)
  list(APPEND NCERT_WARNINGS -Werror)
endif()

function(_ncert_common target)
  target_compile_options(${target} PRIVATE ${NCERT_WARNINGS})
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()

# ncert_cc_library(NAME core SRCS a.cc b.cc DEPS fmt::fmt)
function(ncert_cc_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(ncert_${A_NAME} STATIC ${A_SRCS})
  target_include_directories(ncert_${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(ncert_${A_NAME} PUBLIC ${A_DEPS})
  _ncert_common(ncert_${A_NAME})
endfunction()

# ncert_cc_test(NAME core_status SRCS status_test.cc DEPS ncert_core)
function(ncert_cc_test)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT NCERT_BUILD_TESTS)
    return()
  endif()
  add_executable(${A_NAME}_test ${A_SRCS})
  target_link_libraries(${A_NAME}_test PRIVATE ${A_DEPS} GTest::gmock GTest::gtest_main)
  _ncert_common(${A_NAME}_test)
  # Tests read ../shared/data relative to the project root.
  gtest_discover_tests(${A_NAME}_test
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "NCERT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# ncert_cc_binary(NAME ncert SRCS main.cc DEPS ...)
function(ncert_cc_binary)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS})
  _ncert_common(${A_NAME})
endfunction()
