// Thousands of random and mutated frames, from a fixed seed: decoding never crashes, and its
// answers are self-consistent (what decodes re-encodes to the same message; every error has a
// reply that encodes to valid JSON a client can decode).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "samples.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/json_scan.hpp"
#include "test_support.hpp"

namespace shotcall::protocol {
namespace {

class Fuzzer {
 public:
  explicit Fuzzer(std::uint32_t seed) : rng_(seed) {
    for (const auto& m : testing::client_samples()) corpus_.push_back(encode(m));
    for (const auto& m : testing::server_samples()) corpus_.push_back(encode(m));
  }

  std::string next() {
    switch (pick(10)) {
      case 0: return random_bytes();
      case 1: return random_tokens();
      default: return mutate(corpus_[pick(corpus_.size())]);
    }
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  std::string random_bytes() {
    std::string s(pick(64), '\0');
    for (char& c : s) c = static_cast<char>(pick(256));
    return s;
  }

  std::string random_tokens() {
    static const std::vector<std::string> tokens{
        "{", "}", "[", "]", ":", ",", "\"", "\"type\"", "\"id\"", "\"signal\"", "\"chat\"",
        "\"data\"", "null", "true", "1", "-0", "1e999", "99999999999999999999", "\\u0000",
        "\\ud800", "\"a#b\"", " ", "\xff", "\xc3", "日", "\"text\"", "\"teammates\""};
    std::string s;
    for (std::size_t i = pick(40); i > 0; --i) s += tokens[pick(tokens.size())];
    return s;
  }

  std::string mutate(std::string s) {
    static const std::vector<std::string> inserts{
        "\"", "\\", "{", "}", "[", "]", ",", ":", "\\u0000", "\\ud83d", "\xff", "\xe6\x97",
        "null", "1.5", "-1", "99999999999999999999", "\"id\":\"x\",", "\"type\":7,", "日本",
        std::string(70, 'x')};
    for (std::size_t n = 1 + pick(2); n > 0; --n) {
      const std::size_t at = s.empty() ? 0 : pick(s.size());
      switch (pick(6)) {
        case 0:
          if (!s.empty()) s[at] = static_cast<char>(s[at] ^ (1 << pick(8)));
          break;
        case 1:
          if (!s.empty()) s[at] = static_cast<char>(pick(256));
          break;
        case 2: s.insert(at, inserts[pick(inserts.size())]); break;
        case 3:
          if (!s.empty()) s.erase(at, 1 + pick(8));
          break;
        case 4: s.resize(at); break;  // truncate
        case 5: s.insert(at, s.substr(at, pick(32))); break;  // duplicate a slice
      }
    }
    return s;
  }

  std::mt19937 rng_;
  std::vector<std::string> corpus_;
};

template <typename T>
void check_consistent(const std::string& frame, const Decoded<T>& decoded,
                      Decoded<T> (*decode)(std::string_view), int& accepted) {
  if (const auto* message = std::get_if<T>(&decoded)) {
    ++accepted;
    const std::string again = encode(*message);
    ASSERT_TRUE(json::is_faithful_object(again)) << again;
    const Decoded<T> redecoded = decode(again);
    ASSERT_TRUE(std::holds_alternative<T>(redecoded)) << frame << " → " << again;
    ASSERT_EQ(std::get<T>(redecoded), *message) << frame << " → " << again;
    return;
  }
  const DecodeError& error = std::get<DecodeError>(decoded);
  ASSERT_FALSE(error.message.empty());
  const std::string reply = encode(error_reply(error));
  ASSERT_TRUE(json::is_faithful_object(reply)) << reply;
  const Decoded<ServerMessage> back = decode_server(reply);
  ASSERT_TRUE(std::holds_alternative<ServerMessage>(back)) << reply;
  ASSERT_EQ(std::get<ServerMessage>(back), error_reply(error)) << reply;
}

TEST(CodecFuzz, RandomAndMutatedFramesNeverBreakTheCodec) {
  Fuzzer fuzzer{20240601};
  int client_accepted = 0;
  int server_accepted = 0;
  constexpr int kFrames = 10000;
  for (int i = 0; i < kFrames; ++i) {
    const std::string frame = fuzzer.next();
    check_consistent<ClientMessage>(frame, decode_client(frame), &decode_client, client_accepted);
    check_consistent<ServerMessage>(frame, decode_server(frame), &decode_server, server_accepted);
    if (::testing::Test::HasFatalFailure()) return;
  }
  RecordProperty("client_accepted", client_accepted);
  RecordProperty("server_accepted", server_accepted);
  // The mutations keep some frames valid, so both paths were exercised past the JSON checks.
  EXPECT_GT(client_accepted, 50);
  EXPECT_GT(server_accepted, 50);
  EXPECT_LT(client_accepted + server_accepted, kFrames);
}

}  // namespace
}  // namespace shotcall::protocol
