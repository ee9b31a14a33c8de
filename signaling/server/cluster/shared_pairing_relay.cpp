// SharedPairing's messages between instances, through Redis pub/sub: one channel per instance
// (a peer id names its instance), one for admin notices and one for identity replacements.
//
// A relay (`signal`) to a peer of another instance never enters the transaction queue. The
// sending instance checks what it alone knows (Pairing::relay_elsewhere: the sender is
// registered and in a channel; the frame is small enough) and PUBLISHes to the target's instance
// at once. The receiving instance checks membership with what it alone knows for sure: the
// target is its own connection and is in that very channel, and the sender's Riot ID is on that
// channel's roster (rosters never change; the record is the one its target's join fetched). A
// target elsewhere gets the sender `no-such-peer`, as on_signal answers; a sender it cannot
// vouch for is dropped and counted, never delivered. Nobody listening for the target's instance
// (it died) also answers `no-such-peer`: the sender never waits on a dead instance.
#include <json-glib/json-glib.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "common/glib_ptr.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/json_writer.hpp"
#include "signaling/server/cluster/replacement_message.hpp"
#include "signaling/server/cluster/shared_pairing.hpp"
#include "signaling/server/cluster/shared_pairing_call.hpp"
#include "signaling/store/store_records.hpp"

namespace shotcall::server {
namespace {

using namespace shared_pairing_detail;

// {"p": peer, "o": OnlyIf, "c": channel, "m": frame}: a core message for a peer held elsewhere.
std::string envelope(const std::string& peer, core::OnlyIf only, const std::string& channel,
                     const std::string& frame) {
  protocol::json::Writer w(256);
  w.begin_object();
  w.string_member("p", peer);
  w.integer_member("o", static_cast<int>(only));
  w.string_member("c", channel);
  w.string_member("m", frame);
  w.end_object();
  return w.take();
}

std::string member(JsonObject* o, const char* name) {
  return json_object_get_string_member_with_default(o, name, "");
}

}  // namespace

// One relay from another instance's relay_direct.
struct SharedPairing::InboxRelay {
  std::string target, channel, sender, sender_key, data, refusal;
  std::optional<std::int64_t> sent_real_us;  // when the sender's frame arrived (wall clock)
};

void SharedPairing::publish_remote(const core::Outbox& out) {
  // Every other instance hears each replacement (replace_here() applies it here); one made while
  // Redis is away goes out when it is back (publish_kept_replacements).
  for (const auto& u : out.replacements) {
    std::string text = encode_replacement(instance_, u);
    if (commands_->command({"PUBLISH", store::replacement_channel(), text}, nullptr))
      ++counters_.replacements_out;
    else if (unpublished_replacements_.size() < kMaxKeptReplacements)
      unpublished_replacements_.push_back(std::move(text));
    else
      ++counters_.remote_dropped;
  }
  for (const auto& o : out) {
    if (o.to != core::kRemote) continue;
    const std::string instance = store::instance_of_peer(o.to_peer);
    // Our own peer that is not here any more, or an id from no instance: nobody to tell.
    if (instance.empty() || instance == instance_) continue;
    const std::string text =
        envelope(o.to_peer, o.only, o.only_channel, protocol::encode(o.message));
    if (commands_->command({"PUBLISH", store::inbox_channel(instance), text}, nullptr))
      ++counters_.remote_out;
    else
      ++counters_.remote_dropped;
  }
}

void SharedPairing::publish_kept_replacements() {
  for (auto& text : std::exchange(unpublished_replacements_, {}))
    if (commands_->command({"PUBLISH", store::replacement_channel(), text}, nullptr))
      ++counters_.replacements_out;
    else
      ++counters_.remote_dropped;
}

void SharedPairing::replace_here(const core::Outbox& out) {
  for (const auto& u : out.replacements) on_replacement(u, false);
}

// ---- a relay straight to pub/sub: the sending side --------------------------------------------

void SharedPairing::relay_direct(core::ConnId sender, core::Pairing::RemoteRelay relay,
                                 std::int64_t received_us) {
  if (!relay.refused.empty()) {  // the sender's own checks failed: answered here, now
    deliver(relay.refused, 0);
    return;
  }
  const auto refuse_now = [&] { deliver(core::Outbox{{sender, relay.no_such_peer}}, 0); };
  const std::string instance = store::instance_of_peer(relay.relay.to_peer);
  // An id of no instance (or of a name no instance can have), or ours but not connected here:
  // nobody anywhere is that peer. Only a valid name becomes a pub/sub channel.
  if (instance.empty() || instance == instance_ || !store::is_valid_instance_id(instance)) {
    ++counters_.relays_refused;
    refuse_now();
    return;
  }
  const auto* signal = std::get_if<protocol::SignalFrom>(&relay.relay.message.body);
  protocol::json::Writer w(256 + (signal ? signal->data_json.size() : 0));
  w.begin_object();
  w.string_member("p", relay.relay.to_peer);
  w.string_member("c", relay.relay.only_channel);
  w.string_member("f", relay.sender_peer);
  w.string_member("k", relay.sender_key);
  w.string_member("d", signal ? signal->data_json : std::string{});
  w.string_member("e", protocol::encode(relay.no_such_peer));
  // When the frame reached us, on the wall clock: the receiving instance times the relay (one
  // machine: exact; several: as good as their clocks agree).
  if (received_us != 0)
    w.integer_member("t", g_get_real_time() - (g_get_monotonic_time() - received_us));
  w.end_object();
  const bool sent = commands_->command(
      {"PUBLISH", store::inbox_channel(instance), w.take()},
      [this, sender, instance, refusal = std::move(relay.no_such_peer),
       alive = alive_](const redisReply* reply) mutable {
        if (!*alive) return;
        if (!reply || reply->type != REDIS_REPLY_INTEGER) {
          ++counters_.remote_dropped;
          return;
        }
        if (reply->integer > 0) return;
        // Nobody listened. A live instance whose subscriber link is reconnecting hears nothing
        // either, and its peer is still the sender's teammate: say "not in your channel" only
        // once the instance's alive mark is gone too; else the relay is lost, as any message to
        // an unreachable instance is, and counted.
        commands_->command(
            {"EXISTS", store::instance_key(instance)},
            [this, sender, refusal = std::move(refusal), alive](const redisReply* exists) {
              if (!*alive) return;
              if (!exists || exists->type != REDIS_REPLY_INTEGER || exists->integer != 0) {
                ++counters_.remote_dropped;
                return;
              }
              ++counters_.relays_refused;
              deliver(core::Outbox{{sender, refusal}}, 0);
            });
      });
  if (sent)
    ++counters_.remote_out;
  else
    ++counters_.remote_dropped;
}

// ---- what other instances send us -------------------------------------------------------------

void SharedPairing::on_inbox(const std::string& channel, const std::string& payload) {
  if (channel == store::replacement_channel()) {
    if (auto replacement = decode_replacement(payload, instance_))
      on_replacement(std::move(*replacement), true);
    return;
  }
  GPtr<JsonParser> parser{json_parser_new_immutable()};
  if (!json_parser_load_from_data(parser.get(), payload.data(), static_cast<gssize>(payload.size()),
                                  nullptr))
    return;
  JsonNode* root = json_parser_get_root(parser.get());
  if (!root || !JSON_NODE_HOLDS_OBJECT(root)) return;
  JsonObject* o = json_node_get_object(root);
  if (channel == store::notice_channel()) {
    const char* text = json_object_get_string_member_with_default(o, "text", "");
    const std::string level = json_object_get_string_member_with_default(o, "level", "info");
    if (!*text) return;
    log_.info("admin-notice", {{"level", level}});
    hooks_.notice_all(protocol::Notice{
        level == "warning" ? protocol::NoticeLevel::Warning : protocol::NoticeLevel::Info, text});
    return;
  }
  if (json_object_has_member(o, "f")) {
    InboxRelay in{member(o, "p"), member(o, "c"), member(o, "f"), member(o, "k"),
                  member(o, "d"), member(o, "e"), std::nullopt};
    if (json_object_has_member(o, "t")) in.sent_real_us = json_object_get_int_member(o, "t");
    on_direct_relay(in);
    return;
  }
  const char* peer = json_object_get_string_member_with_default(o, "p", "");
  const char* only_channel = json_object_get_string_member_with_default(o, "c", "");
  const char* message = json_object_get_string_member_with_default(o, "m", "");
  const auto only = json_object_get_int_member_with_default(o, "o", 0);
  if (only < 0 || only > static_cast<int>(core::OnlyIf::InChannel) || !*message) return;
  ++counters_.remote_in;
  if (const auto conn =
          pairing_.resolve_remote(peer, static_cast<core::OnlyIf>(only), only_channel))
    hooks_.send_text(*conn, message);
}

// ---- a relay straight to pub/sub: the receiving side ------------------------------------------

void SharedPairing::on_direct_relay(const InboxRelay& in) {
  ++counters_.remote_in;
  const std::string sender_instance = store::instance_of_peer(in.sender);
  if (in.target.empty() || in.channel.empty() || sender_instance.empty() ||
      sender_instance == instance_) {
    ++counters_.relays_unverified;
    return;
  }
  const auto conn = pairing_.resolve_remote(in.target, core::OnlyIf::InChannel, in.channel);
  if (!conn) {
    // Not ours, or not in the sender's channel (left, moved, or never was: a forged target):
    // the sender hears what on_signal answers for a peer outside its channel.
    ++counters_.relays_refused;
    if (!in.refusal.empty())
      commands_->command({"PUBLISH", store::inbox_channel(sender_instance),
                          envelope(in.sender, core::OnlyIf::Always, {}, in.refusal)},
                         nullptr);
    return;
  }
  if (!on_roster(in.channel, in.sender_key)) {
    // We cannot vouch for the sender: dropped, never delivered to someone it may not reach.
    ++counters_.relays_unverified;
    log_.warn("relay-unverified", {{"channel", in.channel}, {"from_instance", sender_instance}});
    return;
  }
  std::int64_t start_us = 0;
  if (in.sent_real_us) {
    const std::int64_t age = g_get_real_time() - *in.sent_real_us;
    start_us = g_get_monotonic_time() - std::max<std::int64_t>(age, 0);
  }
  ++counters_.relays_delivered;
  deliver(core::Outbox{{*conn, protocol::ServerMessage{std::nullopt,
                                                       protocol::SignalFrom{in.sender, in.data}}}},
          start_us);
}

bool SharedPairing::on_roster(const std::string& channel_id, const std::string& riot_key) {
  if (riot_key.empty()) return false;
  const ChannelRefs* refs = channel_refs(channel_id);
  if (!refs) return false;
  return std::find(refs->roster_keys.begin(), refs->roster_keys.end(), riot_key) !=
         refs->roster_keys.end();
}

}  // namespace shotcall::server
