// Records every GLib log message of the test process (g_log and g_log_structured, all levels,
// debug included) so tests can search what the code under test wrote. GLib allows one writer
// per process, so the capture is installed once and kept; messages are still forwarded to the
// default writer, which prints them as usual.
#pragma once

#include <string>

namespace shotcall::riot::test {

void install_log_capture();
// Every captured message so far, one per line as "DOMAIN: MESSAGE" (other fields appended).
std::string captured_log();
void clear_captured_log();

}  // namespace shotcall::riot::test
