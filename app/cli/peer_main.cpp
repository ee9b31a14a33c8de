// shotcall-peer: a headless Shotcall player for testers, end-to-end tests and benchmarks.
#include <gst/gst.h>

#include <cstdio>

#include "app/cli/peer_options.hpp"
#include "app/cli/peer_program.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = shotcall::cli::parse_peer_options(args);
  if (std::holds_alternative<shotcall::cli::HelpRequested>(parsed)) {
    std::fputs(shotcall::cli::peer_usage().c_str(), stdout);
    return 0;
  }
  if (std::holds_alternative<shotcall::cli::VersionRequested>(parsed)) {
    std::printf("shotcall-peer %s\n", SHOTCALL_VERSION);
    return 0;
  }
  if (const auto* error = std::get_if<shotcall::cli::ParseError>(&parsed)) {
    std::fprintf(stderr, "shotcall-peer: %s\nTry 'shotcall-peer --help'.\n", error->message.c_str());
    return 2;
  }
  gst_init(nullptr, nullptr);
  shotcall::cli::PeerProgram program(std::get<shotcall::cli::PeerOptions>(std::move(parsed)));
  return program.run();
}
