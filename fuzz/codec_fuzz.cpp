// The codec (signaling/protocol/codec.hpp) on arbitrary frames, both directions. Checks, as the
// randomised gtest does (tests/protocol/codec_fuzz_test.cpp) but guided by coverage: what decodes
// re-encodes to faithful JSON that decodes to the same message; what does not decode has an error
// with a reason whose reply encodes to a frame a client decodes back to the same reply.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/json_scan.hpp"

namespace {

namespace p = shotcall::protocol;

void check(bool ok, const char* what, std::string_view frame) {
  if (!ok) {
    std::fprintf(stderr, "codec invariant broken: %s\nframe: %.*s\n", what,
                 static_cast<int>(frame.size()), frame.data());
    std::abort();
  }
}

template <typename T>
void round_trip(std::string_view frame, const p::Decoded<T>& decoded,
                p::Decoded<T> (*decode)(std::string_view)) {
  if (const auto* message = std::get_if<T>(&decoded)) {
    const std::string again = p::encode(*message);
    check(p::json::is_faithful_object(again), "re-encoding is not faithful JSON", again);
    const p::Decoded<T> back = decode(again);
    check(std::holds_alternative<T>(back), "re-encoding does not decode", again);
    check(std::get<T>(back) == *message, "re-encoding decodes to another message", again);
    return;
  }
  const p::DecodeError& error = std::get<p::DecodeError>(decoded);
  check(!error.message.empty(), "an error without a reason", frame);
  const p::ServerMessage reply = p::error_reply(error);
  const std::string text = p::encode(reply);
  check(p::json::is_faithful_object(text), "error reply is not faithful JSON", text);
  const p::Decoded<p::ServerMessage> back = p::decode_server(text);
  check(std::holds_alternative<p::ServerMessage>(back), "error reply does not decode", text);
  check(std::get<p::ServerMessage>(back) == reply, "error reply decodes to another reply", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  round_trip<p::ClientMessage>(frame, p::decode_client(frame), &p::decode_client);
  round_trip<p::ServerMessage>(frame, p::decode_server(frame), &p::decode_server);
  return 0;
}
