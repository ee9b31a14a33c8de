# Test helpers shared by every tests/ folder.

# shotcall_test_labels(TARGET "a;b;c" [HEAVY REGEX]): gives every test that gtest_discover_tests
# found in TARGET all of these labels. gtest_discover_tests(... PROPERTIES LABELS "a;b") flattens
# the list (CMake 3.25): the tests get LABELS a and a stray property named b, so `ctest -L b` and
# `-LE b` miss them. The labels are set instead by a CTest script that runs after the discovered
# tests are loaded. The discovery call must name the list: TEST_LIST TARGET_TESTS.
# HEAVY REGEX: the tests whose names match get the label "heavy" too: many real-time processes at
# once, or minutes of waiting on real timers, which scripts/test runs in the release stage only
# (the sanitizers slow them past real time on two cores, and the same code runs under them in the
# lighter tests).
function(shotcall_test_labels target labels)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "HEAVY" "")
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  file(WRITE "${script}"
    "if(${target}_TESTS)\n  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"${labels}\")\nendif()\n")
  if(arg_HEAVY)
    file(APPEND "${script}"
      "foreach(t IN LISTS ${target}_TESTS)\n"
      "  if(t MATCHES \"${arg_HEAVY}\")\n"
      "    set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${labels};heavy\")\n"
      "  endif()\n"
      "endforeach()\n")
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()
