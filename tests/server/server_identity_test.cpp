// identity-1 (shared/protocol-identity.md) against the real shotcall-signal over real sockets:
// what an independent client sees. Each client installation is an Ed25519 key made here; proofs
// are signed as a client signs them (identity::sign_proof) for the host it dialed.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>

#include "signaling/identity/base64url.hpp"
#include "signaling/identity/fingerprint.hpp"
#include "signaling/identity/sign_proof.hpp"
#include "tests/server/identity_client.hpp"
#include "tests/server/server_test_helpers.hpp"
#include "tests/support/http_get.hpp"

namespace shotcall::test {
namespace {

using identity::KeyPair;
using identity::Purpose;
using protocol::IdentityLevel;

// A state directory the test owns, so that a server can be restarted on it.
class StateDir {
 public:
  StateDir() {
    gchar* dir = g_dir_make_tmp("shotcall-identity-XXXXXX", nullptr);
    if (!dir) throw std::runtime_error("cannot create a temporary state directory");
    path_ = dir;
    g_free(dir);
  }
  ~StateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  StateDir(const StateDir&) = delete;
  StateDir& operator=(const StateDir&) = delete;
  const std::string& path() const { return path_; }
  std::string database() const { return path_ + "/identity.sqlite"; }

 private:
  std::string path_;
};

// The reply to the request with `id` (every direct reply carries it).
bool any_channel_available(const WsClient& ws) {
  return ws.has([](const Frame& f) { return f.type == "channel-available"; });
}

// ---- hello and binding ------------------------------------------------------------------------

TEST(ServerIdentity, HelloAnswersAFreshChallengeTheFeatureAndThePolicy) {
  ServerProcess server;
  auto ws = WsClient::connect(server.url());
  ws->send(protocol::ClientMessage{"h1", protocol::Hello{}});
  const auto f = answer(*ws, "h1");
  ASSERT_TRUE(f && f->type == "hello") << (f ? f->text : "nothing");
  const auto* h = f->as<protocol::HelloReply>();
  const auto raw = identity::base64url_decode(h->challenge);
  ASSERT_TRUE(raw) << h->challenge;
  EXPECT_GE(raw->size(), 16u);
  EXPECT_EQ(h->features, (std::vector<std::string>{"identity-1"}));  // no Riot key: no riot-verify
  EXPECT_EQ(h->policy, "none");
  EXPECT_NE(hello(*ws), h->challenge);  // each hello a new one

  ServerProcess strict({"--identity", "key"});
  auto ws2 = WsClient::connect(strict.url());
  ws2->send(protocol::ClientMessage{"h2", protocol::Hello{}});
  const auto f2 = answer(*ws2, "h2");
  ASSERT_TRUE(f2 && f2->as<protocol::HelloReply>()) << (f2 ? f2->text : "nothing");
  EXPECT_EQ(f2->as<protocol::HelloReply>()->policy, "key");
}

TEST(ServerIdentity, AProvenRegistrationBindsTheKeyAndAnUnprovenOneStaysAtNone) {
  ServerProcess server;
  const KeyPair key = new_key();
  auto proven = WsClient::connect(server.url());
  EXPECT_EQ(level_of(register_proven(*proven, key, "Bound#EUW", dialed(server))),
            IdentityLevel::Key);
  auto plain = WsClient::connect(server.url());
  plain->send(register_with("Plain#EUW", "p", std::nullopt));
  EXPECT_EQ(level_of(answer(*plain, "p")), IdentityLevel::None);
}

TEST(ServerIdentity, ABindingSurvivesARestartOnTheSameStateDir) {
  StateDir state;
  const KeyPair key = new_key();
  {
    ServerProcess first({"--state-dir", state.path()});
    auto ws = WsClient::connect(first.url());
    ASSERT_EQ(level_of(register_proven(*ws, key, "Kept#EUW", dialed(first))), IdentityLevel::Key);
    ASSERT_EQ(first.terminate().status, 0);
  }
  ServerProcess second({"--state-dir", state.path()});
  // Nobody holds the seat after the restart, yet it is not free: the key is remembered.
  auto impostor = WsClient::connect(second.url());
  impostor->send(register_with("Kept#EUW", "i1", std::nullopt));
  EXPECT_EQ(error_code_of(answer(*impostor, "i1")), "riot-id-bound");
  EXPECT_EQ(error_code_of(register_proven(*impostor, new_key(), "Kept#EUW", dialed(second), "i2")),
            "riot-id-bound");
  // The device itself comes back at level key, whatever case it types its Riot ID in.
  auto back = WsClient::connect(second.url());
  EXPECT_EQ(level_of(register_proven(*back, key, "kept#euw", dialed(second))), IdentityLevel::Key);
}

// ---- proofs -----------------------------------------------------------------------------------

TEST(ServerIdentity, UnderPolicyKeyARegistrationWithoutProofIsProofRequired) {
  ServerProcess server({"--identity", "key"});
  auto ws = WsClient::connect(server.url());
  ws->send(register_with("Nokey#EUW", "n1", std::nullopt));
  EXPECT_EQ(error_code_of(answer(*ws, "n1")), "proof-required");
  EXPECT_FALSE(ws->closed());
  // The same connection with a proof gets in.
  EXPECT_EQ(level_of(register_proven(*ws, new_key(), "Nokey#EUW", dialed(server))),
            IdentityLevel::Key);
}

TEST(ServerIdentity, AProofNamingAHostTheServerDoesNotAnswerToIsBadProof) {
  ServerProcess server;
  const KeyPair key = new_key();
  auto ws = WsClient::connect(server.url());
  EXPECT_EQ(error_code_of(register_proven(*ws, key, "Host#EUW", "voice.example.org", "b1")),
            "bad-proof");
  const std::string other_port = "127.0.0.1:" + std::to_string(server.port() == 1 ? 2 : 1);
  EXPECT_EQ(error_code_of(register_proven(*ws, key, "Host#EUW", other_port, "b2")), "bad-proof");
  // A bad proof never falls back to level none: the Riot ID is still free for its owner.
  auto owner = WsClient::connect(server.url());
  EXPECT_EQ(level_of(register_proven(*owner, key, "Host#EUW", dialed(server))), IdentityLevel::Key);
}

// protocol-identity.md: a present but invalid proof is bad-proof, a malformed key included;
// bad-message (protocol-v1.md) is for a missing or mistyped field. An empty or over-long key,
// signature or host is a malformed proof; an over-long link code or key to unlink gets the
// request's own refusal.
TEST(ServerIdentity, AnEmptyOrOverlongProofFieldIsBadProofNotBadMessage) {
  ServerProcess server;
  const KeyPair key = new_key();
  const std::string over(300, 'A');
  struct Case {
    std::string id, key, signature, host;  // "" for the good proof's own
  };
  for (const Case& c : {Case{"k", over, "", ""}, Case{"p", "", over, ""}, Case{"h", "", "", over},
                        Case{"e", "-", "", ""}, Case{"e2", "", "-", "-"}}) {
    // A connection each: a connection's failed proofs are limited.
    auto ws = WsClient::connect(server.url());
    const auto good = proof(key, Purpose::Register, dialed(server), hello(*ws), "Long#EUW");
    const auto pick = [](const std::string& mine, const std::string& good_one) {
      return mine.empty() ? good_one : mine == "-" ? std::string{} : mine;
    };
    ws->send_text(R"({"type":"register-user","id":")" + c.id + R"(","riotId":"Long#EUW","key":")" +
                  pick(c.key, good.key) + R"(","proof":")" + pick(c.signature, good.proof) +
                  R"(","host":")" + pick(c.host, good.host) + R"("})");
    EXPECT_EQ(error_code_of(answer(*ws, c.id)), "bad-proof") << c.id;
  }
  // Still free for its owner, who then asks with an over-long code and key.
  auto owner = WsClient::connect(server.url());
  ASSERT_EQ(level_of(register_proven(*owner, key, "Long#EUW", dialed(server))), IdentityLevel::Key);
  owner->send_text(R"({"type":"link-approve","id":"c","code":")" + over + R"("})");
  EXPECT_EQ(error_code_of(answer(*owner, "c")), "bad-link-code");
  owner->send_text(R"({"type":"unlink-device","id":"u","key":")" + over + R"("})");
  EXPECT_EQ(error_code_of(answer(*owner, "u")), "no-such-key");
  EXPECT_FALSE(owner->closed());
}

TEST(ServerIdentity, LocalhostAndPublicHostNamesAreAccepted) {
  ServerProcess server({"--public-host", "Voice.Example.ORG:8443"});
  auto local = WsClient::connect(server.url());
  EXPECT_EQ(level_of(register_proven(*local, new_key(), "Local#EUW",
                                     "localhost:" + std::to_string(server.port()))),
            IdentityLevel::Key);
  auto public_name = WsClient::connect(server.url());
  EXPECT_EQ(
      level_of(register_proven(*public_name, new_key(), "Public#EUW", "voice.example.org:8443")),
      IdentityLevel::Key);
}

TEST(ServerIdentity, AChallengeServesOneRequestWhateverBecomesOfIt) {
  ServerProcess server;
  const KeyPair key = new_key();
  auto ws = WsClient::connect(server.url());
  const std::string challenge = hello(*ws);
  // Refused (wrong host), but the challenge is spent all the same.
  ws->send(register_with("Once#EUW", "c1",
                         proof(key, Purpose::Register, "elsewhere:1", challenge, "Once#EUW")));
  EXPECT_EQ(error_code_of(answer(*ws, "c1")), "bad-proof");
  ws->send(register_with("Once#EUW", "c2",
                         proof(key, Purpose::Register, dialed(server), challenge, "Once#EUW")));
  EXPECT_EQ(error_code_of(answer(*ws, "c2")), "bad-proof");
  // A new hello makes a new one.
  EXPECT_EQ(level_of(register_proven(*ws, key, "Once#EUW", dialed(server))), IdentityLevel::Key);
  // A proof over a used challenge on a fresh connection (a replayed frame) is refused too.
  auto replay = WsClient::connect(server.url());
  hello(*replay);
  replay->send(register_with("Once#EUW", "c3",
                             proof(key, Purpose::Register, dialed(server), challenge, "Once#EUW")));
  EXPECT_EQ(error_code_of(answer(*replay, "c3")), "bad-proof");
}

// ---- seats ------------------------------------------------------------------------------------

TEST(ServerIdentity, ASecondSessionOfTheSameKeyReplacesTheFirstWith4001) {
  ServerProcess server;
  const KeyPair key = new_key();
  auto first = WsClient::connect(server.url());
  ASSERT_EQ(level_of(register_proven(*first, key, "Twice#EUW", dialed(server))),
            IdentityLevel::Key);
  ASSERT_TRUE(first->barrier());
  first->clear();  // the notice that the key is now bound
  auto second = WsClient::connect(server.url());
  EXPECT_EQ(level_of(register_proven(*second, key, "Twice#EUW", dialed(server))),
            IdentityLevel::Key);
  const auto notice = first->wait_for_type("notice");
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->as<protocol::Notice>()->level, protocol::NoticeLevel::Warning);
  ASSERT_TRUE(first->wait_closed());
  EXPECT_EQ(first->close_code(), 4001);
  EXPECT_EQ(first->close_reason(), "replaced");
  EXPECT_FALSE(second->closed());
  EXPECT_TRUE(second->barrier());
}

TEST(ServerIdentity, AFourthRegisterUserOnOneConnectionClosesItWith1008) {
  ServerProcess server;
  auto owner = WsClient::connect(server.url());
  ASSERT_EQ(level_of(register_proven(*owner, new_key(), "Guarded#EUW", dialed(server))),
            IdentityLevel::Key);
  auto guesser = WsClient::connect(server.url());
  for (int i = 1; i <= 3; ++i) {
    const std::string id = "g" + std::to_string(i);
    guesser->send(register_with("Guarded#EUW", id, std::nullopt));
    EXPECT_EQ(error_code_of(answer(*guesser, id)), "riot-id-bound") << id;
    EXPECT_FALSE(guesser->closed()) << id;
  }
  guesser->send(register_with("Other#EUW", "g4", std::nullopt));  // even a free Riot ID
  ASSERT_TRUE(guesser->wait_closed());
  EXPECT_EQ(guesser->close_code(), 1008);
  EXPECT_FALSE(owner->closed());
}

// ---- devices ----------------------------------------------------------------------------------

TEST(ServerIdentity, LinkListAndUnlinkDevices) {
  ServerProcess server;
  const KeyPair old_key = new_key();
  const KeyPair new_device = new_key();
  const std::string riot_id = "Linker#EUW";
  auto old_ws = WsClient::connect(server.url());
  ASSERT_EQ(level_of(register_proven(*old_ws, old_key, riot_id, dialed(server))),
            IdentityLevel::Key);

  // The new device asks for a code; both screens show the new key's fingerprint.
  auto new_ws = WsClient::connect(server.url());
  const std::string challenge = hello(*new_ws);
  new_ws->send(protocol::ClientMessage{
      "lr", protocol::LinkRequest{riot_id, proof(new_device, Purpose::LinkRequest, dialed(server),
                                                 challenge, riot_id)}});
  const auto code_frame = answer(*new_ws, "lr");
  ASSERT_TRUE(code_frame && code_frame->type == "link-code") << error_code_of(code_frame);
  const auto* issued = code_frame->as<protocol::LinkCodeIssued>();
  EXPECT_EQ(issued->code.size(), 8u);
  EXPECT_EQ(issued->fingerprint, identity::key_fingerprint(new_device.public_key));

  // The bound device approves (the code is read case-insensitively).
  std::string typed = issued->code;
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  old_ws->send(protocol::ClientMessage{"la", protocol::LinkApprove{typed}});
  const auto approved = answer(*old_ws, "la");
  ASSERT_TRUE(approved && approved->type == "link-approved") << error_code_of(approved);
  EXPECT_EQ(approved->as<protocol::LinkApproved>()->key, new_device.public_base64url());
  const auto told = new_ws->wait_for_type("link-approved");
  ASSERT_TRUE(told);
  EXPECT_EQ(told->as<protocol::LinkApproved>()->key, new_device.public_base64url());
  // A code serves once.
  old_ws->send(protocol::ClientMessage{"la2", protocol::LinkApprove{issued->code}});
  EXPECT_EQ(error_code_of(answer(*old_ws, "la2")), "bad-link-code");

  old_ws->send(protocol::ClientMessage{"ld", protocol::ListDevices{}});
  const auto listed = answer(*old_ws, "ld");
  ASSERT_TRUE(listed && listed->type == "devices") << error_code_of(listed);
  std::vector<std::string> keys;
  for (const auto& d : listed->as<protocol::DeviceList>()->devices) {
    keys.push_back(d.key);
    EXPECT_EQ(d.identity, IdentityLevel::Key);
    EXPECT_GT(d.bound_at_ms, 0);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> want{old_key.public_base64url(), new_device.public_base64url()};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(keys, want);

  // A key that is not bound here.
  old_ws->send(protocol::ClientMessage{"u0", protocol::UnlinkDevice{new_key().public_base64url()}});
  EXPECT_EQ(error_code_of(answer(*old_ws, "u0")), "no-such-key");

  // Unlinking the key a connection proved with closes that connection with 4001 (on one
  // instance the Riot ID's one live connection is the sender's own, so: the sender unlinks
  // itself, after its reply).
  old_ws->send(protocol::ClientMessage{"u1", protocol::UnlinkDevice{old_key.public_base64url()}});
  const auto unlinked = answer(*old_ws, "u1");
  ASSERT_TRUE(unlinked && unlinked->type == "device-unlinked") << error_code_of(unlinked);
  EXPECT_EQ(unlinked->as<protocol::DeviceUnlinked>()->key, old_key.public_base64url());
  ASSERT_TRUE(old_ws->wait_closed());
  EXPECT_EQ(old_ws->close_code(), 4001);

  // The old key no longer opens the seat; the linked one does.
  auto again = WsClient::connect(server.url());
  EXPECT_EQ(error_code_of(register_proven(*again, old_key, riot_id, dialed(server), "r1")),
            "riot-id-bound");
  EXPECT_EQ(level_of(register_proven(*again, new_device, riot_id, dialed(server), "r2")),
            IdentityLevel::Key);
  again->send(protocol::ClientMessage{"ld2", protocol::ListDevices{}});
  const auto left = answer(*again, "ld2");
  ASSERT_TRUE(left && left->as<protocol::DeviceList>()) << error_code_of(left);
  ASSERT_EQ(left->as<protocol::DeviceList>()->devices.size(), 1u);
  EXPECT_EQ(left->as<protocol::DeviceList>()->devices[0].key, new_device.public_base64url());
}

TEST(ServerIdentity, AnEnemyClaimingABoundAbsentTeammateIsRefusedAndHearsNothing) {
  ServerProcess server;
  const KeyPair teammate_key = new_key();
  // The teammate bound a key on an earlier day and is not connected now.
  {
    auto earlier = WsClient::connect(server.url());
    ASSERT_EQ(level_of(register_proven(*earlier, teammate_key, "Absent#EUW", dialed(server))),
              IdentityLevel::Key);
  }
  auto me = registered(server, "Present#EUW");
  const auto channel = find_or_create(me, "77", "100", {"Present#EUW", "Absent#EUW"});
  ASSERT_FALSE(channel.empty());
  join(me, channel);

  // Riot IDs are public: the enemy reads it off the loading screen and registers without a key.
  auto enemy = WsClient::connect(server.url());
  enemy->send(register_with("Absent#EUW", "e1", std::nullopt));
  EXPECT_EQ(error_code_of(answer(*enemy, "e1")), "riot-id-bound");
  enemy->send(msg::join(channel, "e2"));
  EXPECT_EQ(error_code_of(answer(*enemy, "e2")), "not-registered");
  ASSERT_TRUE(enemy->barrier());
  EXPECT_FALSE(any_channel_available(*enemy));
  // With a key of its own it fares no better.
  EXPECT_EQ(error_code_of(register_proven(*enemy, new_key(), "Absent#EUW", dialed(server), "e3")),
            "riot-id-bound");
  ASSERT_TRUE(enemy->barrier());
  EXPECT_FALSE(any_channel_available(*enemy));
  EXPECT_FALSE(me->has([](const Frame& f) { return f.type == "user-joined-channel"; }));

  // The real teammate, with its key, is offered the channel.
  auto teammate = WsClient::connect(server.url());
  EXPECT_EQ(level_of(register_proven(*teammate, teammate_key, "Absent#EUW", dialed(server))),
            IdentityLevel::Key);
  const auto offer = teammate->wait_for_type("channel-available");
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->as<protocol::ChannelAvailable>()->channel.channel_id, channel);
}

// ---- operations -------------------------------------------------------------------------------

TEST(ServerIdentity, MetricsCountProofsAndShowTheDatabaseUp) {
  ServerProcess server;
  auto ws = WsClient::connect(server.url());
  ASSERT_EQ(level_of(register_proven(*ws, new_key(), "Counted#EUW", dialed(server))),
            IdentityLevel::Key);
  auto bad = WsClient::connect(server.url());
  EXPECT_EQ(error_code_of(register_proven(*bad, new_key(), "Counted2#EUW", "nowhere:1")),
            "bad-proof");
  const auto metrics = http_get(server.http_url("/metrics"));
  ASSERT_EQ(metrics.status, 200u) << metrics.error;
  EXPECT_EQ(sample(metrics.body, "shotcall_identity_proofs_total{result=\"ok\"}"), 1);
  EXPECT_EQ(sample(metrics.body, "shotcall_identity_bindings_created_total"), 1);
  EXPECT_EQ(sample(metrics.body, "shotcall_identity_database_up"), 1);
  EXPECT_EQ(sample(metrics.body, "shotcall_identity_proofs_total{result=\"unknown-host\"}"), 1);
}

// A write lock held by another process (a backup, an operator's sqlite3 shell): reads go on
// (WAL), so keys already bound still get their seats, but a new binding cannot be written and is
// answered `unavailable`, never a lower level.
TEST(ServerIdentity, ALockedDatabaseRefusesNewBindingsButKeepsBoundKeys) {
  StateDir state;
  ServerProcess server({"--state-dir", state.path()});
  const KeyPair old_key = new_key();
  {
    auto ws = WsClient::connect(server.url());
    ASSERT_EQ(level_of(register_proven(*ws, old_key, "Early#EUW", dialed(server))),
              IdentityLevel::Key);
    ws->close();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(state.database().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);

  auto fresh = WsClient::connect(server.url());
  EXPECT_EQ(error_code_of(register_proven(*fresh, new_key(), "Late#EUW", dialed(server))),
            "unavailable");
  auto early = WsClient::connect(server.url());
  EXPECT_EQ(level_of(register_proven(*early, old_key, "Early#EUW", dialed(server))),
            IdentityLevel::Key);

  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  // Once the lock is gone the binding goes through.
  EXPECT_EQ(level_of(register_proven(*fresh, new_key(), "Late#EUW", dialed(server), "again")),
            IdentityLevel::Key);
}

// A database file that vanished under the server (deleted, or replaced by a restore) cannot be
// trusted: /healthz says so (still 200: proven players keep their seats) and the metric drops.
TEST(ServerIdentity, HealthzSaysDegradedWhileTheDatabaseFileIsGone) {
  StateDir state;
  ServerProcess server({"--state-dir", state.path()});
  // No /healthz or /metrics before this point: the server asks the database at most every 5 s.
  const std::string aside = state.database() + ".aside";
  std::filesystem::rename(state.database(), aside);
  const auto health = http_get(server.http_url("/healthz"));
  EXPECT_EQ(health.status, 200u) << health.error;
  EXPECT_EQ(health.body.rfind("degraded: identity database unreachable", 0), 0u) << health.body;
  const auto metrics = http_get(server.http_url("/metrics"));
  EXPECT_EQ(sample(metrics.body, "shotcall_identity_database_up"), 0);
  auto ws = WsClient::connect(server.url());
  EXPECT_EQ(error_code_of(register_proven(*ws, new_key(), "Gone#EUW", dialed(server))),
            "unavailable");
  std::filesystem::rename(aside, state.database());
}

TEST(ServerIdentity, TheIdentityCommandListsShowsAndUnbinds) {
  StateDir state;
  ServerProcess server({"--state-dir", state.path()});
  const KeyPair key = new_key();
  // The bound player sits in a channel with a teammate, whose user-left-channel shows that the
  // server has let the seat go.
  auto teammate = registered(server, "Mate#EUW");
  Player bound{WsClient::connect(server.url()), "Cli Player#EUW", ""};
  ASSERT_EQ(level_of(register_proven(*bound.ws, key, bound.riot_id, dialed(server))),
            IdentityLevel::Key);
  const auto channel = find_or_create(teammate, "5", "200", {"Mate#EUW", bound.riot_id});
  join(teammate, channel);
  join(bound, channel);
  bound->close();
  ASSERT_TRUE(teammate->wait_for_type("user-left-channel"));

  const std::vector<std::string> where{"--state-dir", state.path()};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), where.begin(), where.end());
    return args;
  };
  const auto list = run_signal_binary(with({"identity", "list"}));
  ASSERT_TRUE(list.exit.exited);
  EXPECT_EQ(list.exit.status, 0) << list.err;
  EXPECT_NE(list.out.find("Cli Player#EUW"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(key.public_base64url()), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("Mate#EUW"), std::string::npos) << list.out;  // never bound

  const auto show = run_signal_binary(with({"identity", "show", "cli player#euw"}));
  EXPECT_EQ(show.exit.status, 0) << show.err;
  EXPECT_NE(show.out.find(key.public_base64url()), std::string::npos) << show.out;
  EXPECT_EQ(run_signal_binary(with({"identity", "show", "Mate#EUW"})).exit.status, 1);

  // Still bound: the server refuses an unproven claim.
  auto claim = WsClient::connect(server.url());
  claim->send(register_with(bound.riot_id, "c1", std::nullopt));
  EXPECT_EQ(error_code_of(answer(*claim, "c1")), "riot-id-bound");

  const auto unbind = run_signal_binary(with({"identity", "unbind", bound.riot_id}));
  EXPECT_EQ(unbind.exit.status, 0) << unbind.err;
  EXPECT_NE(unbind.out.find("unbound"), std::string::npos) << unbind.out;
  EXPECT_EQ(run_signal_binary(with({"identity", "show", bound.riot_id})).exit.status, 1);
  EXPECT_EQ(run_signal_binary(with({"identity", "unbind", bound.riot_id})).exit.status, 1);
  EXPECT_EQ(run_signal_binary(with({"identity", "frobnicate"})).exit.status, 2);

  // The running server reads the change: the Riot ID is free again, even without a key.
  claim->send(register_with(bound.riot_id, "c2", std::nullopt));
  EXPECT_EQ(level_of(answer(*claim, "c2")), IdentityLevel::None);
}

}  // namespace
}  // namespace shotcall::test
