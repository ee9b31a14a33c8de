// identity-1's Riot verification end to end: the real shotcall-signal with a Riot API key,
// pointed at the stand-in Riot API (account-v1 and summoner-v4 by-puuid), and a WebSocket client
// that proves its key, sets each named icon (the test changes the stand-in's summoner as the
// player would in the League client) and checks until it is verified. Riot is read at most
// once per 10 s per verification, so the two rounds take about 20 s of real time.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "signaling/identity/sign_proof.hpp"
#include "tests/riot/riot_standin.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/main_loop.hpp"

namespace shotcall::test {
namespace {

using identity::KeyPair;
using identity::Purpose;
using riot::test::RiotStandin;
using riot::test::StandinEndpoint;

constexpr const char* kKey = "RGAPI-5e11-verify-key-never-leaks";
constexpr const char* kKeyVar = "SHOTCALL_TEST_RIOT_KEY";
constexpr const char* kLimits = "20:1,100:10";
constexpr const char* kAhri = "Ahri#EUW";
constexpr const char* kPuuid = "puuid-ahri-euw";

std::int64_t wall_ms() { return g_get_real_time() / 1000; }

std::optional<Frame> answer(WsClient& ws, const std::string& id) {
  return ws.wait_for([&](const Frame& f) { return f.message && f.message->id == id; }, 20s);
}

class ServerVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    standin_ = RiotStandin::start(0, &error);
    ASSERT_TRUE(standin_) << error;
    standin_->set_api_key(kKey);
    standin_->set_rate_limits(kLimits);
    standin_->add_account(kPuuid, "Ahri", "EUW");
    standin_->set_summoner(kPuuid, 3, wall_ms() - 60'000);
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--riot-api-key-env", kKeyVar, "--riot-platform", "euw1",
                                 "--riot-api-base", standin_->base_url(), "--riot-rate-limits",
                                 kLimits, "--riot-verify-share", "30"},
        std::map<std::string, std::string>{{kKeyVar, kKey}});
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  // hello: its challenge, after checking that the server offers Riot verification.
  std::string hello(WsClient& ws) {
    const std::string id = "hello-" + std::to_string(++seq_);
    ws.send(protocol::ClientMessage{id, protocol::Hello{}});
    const auto f = answer(ws, id);
    const auto* h = f ? f->as<protocol::HelloReply>() : nullptr;
    EXPECT_TRUE(h) << (f ? f->text : "no answer to hello");
    if (!h) return {};
    EXPECT_EQ(h->features, (std::vector<std::string>{"identity-1", "riot-verify"}));
    return h->challenge;
  }
  protocol::Proof proof(const KeyPair& key, Purpose purpose, const std::string& challenge) {
    const auto s = identity::sign_proof(key, purpose, host(), challenge, kAhri);
    return protocol::Proof{s.key, s.proof, s.host};
  }
  // verify-riot-check until the answer is no longer `current` (Riot is read every 10 s only).
  std::optional<Frame> check_until_changed(WsClient& ws,
                                           const protocol::VerifyRiotChallenge& current) {
    for (int attempt = 0; attempt < 30; ++attempt) {
      const std::string id = "check-" + std::to_string(++seq_);
      ws.send(protocol::ClientMessage{id, protocol::VerifyRiotCheck{}});
      auto f = answer(ws, id);
      if (!f) return f;
      const auto* same = f->as<protocol::VerifyRiotChallenge>();
      if (!same || !(*same == current)) return f;
      run_until([] { return false; }, 1s);  // the player's client polls; so does this test
    }
    return std::nullopt;
  }

  std::unique_ptr<RiotStandin> standin_;
  std::unique_ptr<ServerProcess> server_;
  int seq_ = 0;
};

TEST_F(ServerVerify, TwoIconRoundsVerifyTheRiotIdAndTheNextRegistrationIsRiot) {
  const KeyPair key = *KeyPair::generate();
  auto ws = WsClient::connect(server_->url());
  const std::string challenge = hello(*ws);
  ws->send(protocol::ClientMessage{
      "v1", protocol::VerifyRiot{kAhri, proof(key, Purpose::VerifyRiot, challenge)}});
  const auto first_frame = answer(*ws, "v1");
  ASSERT_TRUE(first_frame && first_frame->type == "verify-riot-challenge")
      << (first_frame ? first_frame->text : "no answer");
  const auto round1 = *first_frame->as<protocol::VerifyRiotChallenge>();
  EXPECT_EQ(round1.riot_id, kAhri);
  EXPECT_EQ(round1.method, "profile-icon");
  EXPECT_EQ(round1.round, 1);
  EXPECT_NE(round1.icon_id, 3);  // never the icon the account already shows
  EXPECT_GE(round1.icon_id, 0);
  EXPECT_LE(round1.icon_id, 28);
  EXPECT_GT(round1.expires_at_ms, wall_ms() + 9 * 60'000);
  EXPECT_EQ(standin_->count(StandinEndpoint::AccountByRiotId), 1u);
  EXPECT_EQ(standin_->count(StandinEndpoint::SummonerByPuuid), 1u);

  // The player sets the icon; Riot's revisionDate moves on.
  standin_->set_summoner(kPuuid, round1.icon_id, wall_ms() + 1000);
  const auto second_frame = check_until_changed(*ws, round1);
  ASSERT_TRUE(second_frame && second_frame->type == "verify-riot-challenge")
      << (second_frame ? second_frame->text : "no answer");
  const auto round2 = *second_frame->as<protocol::VerifyRiotChallenge>();
  EXPECT_EQ(round2.round, 2);
  EXPECT_NE(round2.icon_id, round1.icon_id);
  EXPECT_EQ(round2.expires_at_ms, round1.expires_at_ms);
  // Checks before 10 s were answered from the last read: two reads so far, not one per check.
  EXPECT_EQ(standin_->count(StandinEndpoint::SummonerByPuuid), 2u);

  standin_->set_summoner(kPuuid, round2.icon_id, wall_ms() + 1000);
  const auto done = check_until_changed(*ws, round2);
  ASSERT_TRUE(done && done->type == "verified") << (done ? done->text : "no answer");
  EXPECT_EQ(done->as<protocol::Verified>()->riot_id, kAhri);
  EXPECT_EQ(done->as<protocol::Verified>()->identity, protocol::IdentityLevel::Riot);
  EXPECT_EQ(standin_->count(StandinEndpoint::SummonerByPuuid), 3u);

  // The key is bound at level riot: the next proven registration is connected at riot.
  auto again = WsClient::connect(server_->url());
  const std::string c2 = hello(*again);
  again->send(protocol::ClientMessage{
      "r1", protocol::RegisterUser{kAhri, {}, {}, proof(key, Purpose::Register, c2)}});
  const auto connected = answer(*again, "r1");
  ASSERT_TRUE(connected && connected->type == "connected")
      << (connected ? connected->text : "no answer");
  EXPECT_EQ(connected->as<protocol::Connected>()->identity, protocol::IdentityLevel::Riot);
  EXPECT_EQ(server_->stderr_text().find(kKey), std::string::npos);
}

TEST_F(ServerVerify, AnUnknownRiotIdFails) {
  const KeyPair key = *KeyPair::generate();
  auto ws = WsClient::connect(server_->url());
  const std::string challenge = hello(*ws);
  const auto s = identity::sign_proof(key, Purpose::VerifyRiot, host(), challenge, "Nobody#EUW");
  ws->send(protocol::ClientMessage{
      "v1", protocol::VerifyRiot{"Nobody#EUW", protocol::Proof{s.key, s.proof, s.host}}});
  const auto f = answer(*ws, "v1");
  ASSERT_TRUE(f && f->type == "error") << (f ? f->text : "no answer");
  EXPECT_EQ(f->as<protocol::Error>()->code, protocol::ErrorCode::VerifyFailed);
}

}  // namespace
}  // namespace shotcall::test
