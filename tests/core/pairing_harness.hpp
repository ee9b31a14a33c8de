// A pairing core with a memory store, a clock the test moves and predictable peer ids, plus
// helpers to pull typed messages out of an Outbox. Pure: no sockets.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "signaling/core/pairing.hpp"
#include "signaling/store/memory_store.hpp"

namespace shotcall::core::testing {

namespace p = shotcall::protocol;

inline p::ClientMessage msg(p::ClientBody body, std::optional<std::string> id = std::nullopt) {
  return p::ClientMessage{std::move(id), std::move(body)};
}

inline p::FindOrCreateChannel team(std::string game, std::string team_id,
                                   std::vector<std::string> teammates) {
  return p::FindOrCreateChannel{
      {std::move(game), false}, {std::move(team_id), true}, std::move(teammates)};
}

// The first message of type T to `to` in `out`, by pointer into `out`; nullptr when none.
template <typename T>
const T* find(const Outbox& out, ConnId to) {
  for (const auto& o : out)
    if (o.to == to)
      if (const auto* m = std::get_if<T>(&o.message.body)) return m;
  return nullptr;
}

class PairingHarness : public ::testing::Test {
 protected:
  explicit PairingHarness(PairingConfig config = make_config())
      : pairing_(std::move(config), store_, make_deps()) {}

  static PairingConfig make_config() {
    PairingConfig c;
    c.ice_servers = {p::IceServer{{"stun:stun.example.org:3478"}, std::nullopt, std::nullopt}};
    c.server = {"shotcall-signal", "test"};
    return c;
  }
  PairingDeps make_deps() {
    return PairingDeps{[this] { return now_ms_; }, [this] { return "p" + std::to_string(++ids_); }};
  }

  // Opens a connection and registers it; returns its ConnId. Asserts it got `connected`.
  ConnId user(const std::string& riot_id) {
    const ConnId conn = ++next_conn_;
    pairing_.connect(conn);
    const Outbox out = pairing_.handle(conn, msg(p::RegisterUser{riot_id, {}, {}}));
    EXPECT_TRUE(!out.empty() && std::holds_alternative<p::Connected>(out.front().message.body))
        << "register-user " << riot_id << " was not answered with connected";
    return conn;
  }
  std::string peer(ConnId conn) const { return pairing_.peer_id_of(conn).value_or(""); }

  // Creates the team's channel from `creator` and returns its id.
  std::string create(ConnId creator, const p::FindOrCreateChannel& request) {
    const Outbox out = pairing_.handle(creator, msg(request));
    const auto* created = first<p::ChannelCreated>(out, creator);
    EXPECT_NE(created, nullptr);
    return created ? created->channel.channel_id : "";
  }
  Outbox join(ConnId conn, const std::string& channel_id) {
    return pairing_.handle(conn, msg(p::JoinChannel{channel_id}));
  }

  template <typename T>
  static const T* first(const Outbox& out, ConnId to) {
    return find<T>(out, to);
  }
  template <typename T>
  static std::vector<ConnId> recipients(const Outbox& out) {
    std::vector<ConnId> to;
    for (const auto& o : out)
      if (std::holds_alternative<T>(o.message.body)) to.push_back(o.to);
    return to;
  }
  static std::optional<p::ErrorCode> error_to(const Outbox& out, ConnId to) {
    if (const auto* e = first<p::Error>(out, to)) return e->code;
    return std::nullopt;
  }

  std::int64_t now_ms_ = 1'700'000'000'000;
  int ids_ = 0;
  ConnId next_conn_ = 0;
  MemoryStore store_;
  Pairing pairing_;
};

}  // namespace shotcall::core::testing
