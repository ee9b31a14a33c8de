# Compiler settings every Shotcall target shares: warnings as errors, optional sanitizers.
add_library(shotcall_defaults INTERFACE)
# Messages grow optional fields with default member initializers (protocol extensions); GCC 12
# still warns when an aggregate initializer leaves such a member out, so that one warning is off.
target_compile_options(shotcall_defaults INTERFACE -Wall -Wextra -Werror
  -Wno-missing-field-initializers)
target_compile_definitions(shotcall_defaults INTERFACE SHOTCALL_VERSION="${PROJECT_VERSION}")

string(TOLOWER "${SHOTCALL_SANITIZE}" shotcall_sanitize)
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
