# Compiler settings every Shotcall target shares: warnings as errors, optional sanitizers.
add_library(shotcall_defaults INTERFACE)
# Messages grow optional fields with default member initializers (protocol extensions); GCC 12
# still warns when an aggregate initializer leaves such a member out, so that one warning is off.
target_compile_options(shotcall_defaults INTERFACE -Wall -Wextra -Werror
  -Wno-missing-field-initializers)
target_compile_definitions(shotcall_defaults INTERFACE SHOTCALL_VERSION="${PROJECT_VERSION}")

string(TOLOWER "${SHOTCALL_SANITIZE}" shotcall_sanitize)
# Sanitizer builds compile at -O1 with line tables only (-g1), whatever the build type: the
# optimisation AddressSanitizer's documentation recommends, and every report still names file and
# line. It cut the ASan stage's build in scripts/test, the longest part of CI, from 24 to 16
# minutes on two cores. These options follow the build type's on the command line, so they win.
if(shotcall_sanitize)
  target_compile_options(shotcall_defaults INTERFACE -O1 -g1)
endif()
if(shotcall_sanitize STREQUAL "thread")
  # ThreadSanitizer (scripts/test runs the server's tests with it). SHOTCALL_SANITIZED still tells
  # tests that memory and timing are not a plain build's; SHOTCALL_SANITIZED_THREAD names TSan.
  target_compile_options(shotcall_defaults INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(shotcall_defaults INTERFACE -fsanitize=thread)
  target_compile_definitions(shotcall_defaults INTERFACE SHOTCALL_SANITIZED=1
    SHOTCALL_SANITIZED_THREAD=1)
elseif(shotcall_sanitize STREQUAL "address" OR SHOTCALL_SANITIZE)
  target_compile_options(shotcall_defaults INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(shotcall_defaults INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(shotcall_defaults INTERFACE SHOTCALL_SANITIZED=1)
endif()
