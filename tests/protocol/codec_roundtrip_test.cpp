// encode then decode gives back the original, for every message type of both directions.
#include <gtest/gtest.h>

#include <set>

#include "samples.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/json_scan.hpp"
#include "test_support.hpp"

namespace shotcall::protocol {
namespace {

using testing::client_samples;
using testing::expect_ok;
using testing::server_samples;

TEST(CodecRoundTrip, EveryClientMessage) {
  std::set<std::size_t> kinds;
  for (const ClientMessage& original : client_samples()) {
    const std::string frame = encode(original);
    SCOPED_TRACE(frame);
    EXPECT_TRUE(json::is_faithful_object(frame));
    EXPECT_EQ(expect_ok(decode_client(frame)), original);
    kinds.insert(original.body.index());
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<ClientBody>) << "a client type has no sample";
}

TEST(CodecRoundTrip, EveryServerMessage) {
  std::set<std::size_t> kinds;
  for (const ServerMessage& original : server_samples()) {
    const std::string frame = encode(original);
    SCOPED_TRACE(frame);
    EXPECT_TRUE(json::is_faithful_object(frame));
    EXPECT_EQ(expect_ok(decode_server(frame)), original);
    kinds.insert(original.body.index());
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<ServerBody>) << "a server type has no sample";
}

TEST(CodecRoundTrip, OptionalFieldsAbsentStayAbsent) {
  const ClientMessage bare{std::nullopt, RegisterUser{"a#b", std::nullopt, std::nullopt}};
  const std::string frame = encode(bare);
  EXPECT_EQ(frame, R"({"type":"register-user","riotId":"a#b"})");
  const auto decoded = expect_ok(decode_client(frame));
  EXPECT_FALSE(decoded.id.has_value());
  const auto& body = std::get<RegisterUser>(decoded.body);
  EXPECT_FALSE(body.puuid.has_value());
  EXPECT_FALSE(body.token.has_value());
}

TEST(CodecRoundTrip, RequestIdOfMaximumLength) {
  const ClientMessage m{std::string(kMaxRequestIdBytes, 'i'), JoinChannel{"c"}};
  EXPECT_EQ(expect_ok(decode_client(encode(m))), m);
}

TEST(CodecRoundTrip, RelayedDataSurvivesServerHop) {
  // Client → server → client: what the sender encodes is what the receiver decodes.
  for (const ClientMessage& m : client_samples()) {
    const auto* signal = std::get_if<SignalTo>(&m.body);
    if (signal == nullptr) continue;
    const auto at_server = expect_ok(decode_client(encode(m)));
    const std::string relayed = encode(ServerMessage{
        std::nullopt, SignalFrom{"sender", std::get<SignalTo>(at_server.body).data_json}});
    const auto at_peer = expect_ok(decode_server(relayed));
    EXPECT_EQ(std::get<SignalFrom>(at_peer.body).data_json, signal->data_json);
  }
}

TEST(CodecRoundTrip, ErrorReplyOfADecodeError) {
  const DecodeError error{ErrorCode::BadMessage, "riotId is required", "register-user", "r-9"};
  const ServerMessage reply = error_reply(error);
  EXPECT_EQ(reply.id, "r-9");
  EXPECT_EQ(std::get<Error>(reply.body),
            (Error{ErrorCode::BadMessage, "riotId is required", "register-user"}));
  EXPECT_EQ(expect_ok(decode_server(encode(reply))), reply);
}

}  // namespace
}  // namespace shotcall::protocol
