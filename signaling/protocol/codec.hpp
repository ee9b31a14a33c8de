// JSON text frames ⇄ typed messages (json-glib). No IO.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "signaling/protocol/messages.hpp"

namespace shotcall::protocol {

// Why a frame could not be decoded, in the protocol's terms: the error the server answers with.
// `re` is the frame's type when it could be read; `id` the frame's request id when it could be
// read and was valid, so the error reply can carry it.
struct DecodeError {
  ErrorCode code = ErrorCode::BadJson;
  std::string message;
  std::optional<std::string> re;
  std::optional<std::string> id;
  friend bool operator==(const DecodeError&, const DecodeError&) = default;
};

template <typename T>
using Decoded = std::variant<T, DecodeError>;

// Decoding reads strict JSON (json_scan.hpp) with json-glib and never throws or aborts; the
// error rules are those of docs/protocol.md ("Errors"). Encoding always yields valid compact JSON:
// `type` first, then `id` when set, then the fields. A SignalTo/SignalFrom `data_json` that is not
// a faithful JSON object is written as `{}`.

// Client → server. Decoding enforces every limit of messages.hpp (it guards the server).
Decoded<ClientMessage> decode_client(std::string_view frame);
std::string encode(const ClientMessage& message);

// Server → client. Decoding checks shapes, not the server-side byte limits, and accepts
// `iceServers[].urls` as one string too.
Decoded<ServerMessage> decode_server(std::string_view frame);
std::string encode(const ServerMessage& message);

// The error reply for a frame that failed to decode.
ServerMessage error_reply(const DecodeError& error);

}  // namespace shotcall::protocol
