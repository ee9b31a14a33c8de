// The negotiation state machine of one remote peer. Pure: no GStreamer, no IO, no clock.
//
// Events come in (what webrtcbin or the remote side did), actions come out (what the engine
// must do to the peer's webrtcbin, what it must send, when to retry). The engine owns one
// PeerState per remote peer and carries its actions out in order.
//
// Rules it encodes (shared/protocol-v1.md and GStreamer 1.22's limits):
// - The member who joined the channel offers (`we_offer`); the other side answers. A remote
//   offer reaching the offerer is glare from a confused remote and is ignored.
// - Candidates trickle; one that arrives before the remote description is queued and added
//   right after the description is set.
// - webrtcbin 1.22 can neither renegotiate transports nor restart ICE, so a failed link is
//   rebuilt: the offerer, after a backoff, recreates its webrtcbin and sends a fresh offer; the
//   answerer waits, and recreates when an offer arrives for a link that was already used. If no
//   offer comes in time the answerer rebuilds its side anyway, so a failure it alone saw
//   becomes visible to the offerer. An offer with no answer in that time is a failure too.
// - A DTLS certificate that does not match the SDP fingerprint drops the peer for good.
// - After `max_retries` failures without a verified connection in between, it gives up.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <variant>
#include <vector>

#include "app/mesh/signal_data.hpp"

namespace shotcall::mesh {

// What a user sees of a peer.
enum class PeerPhase { New, Connecting, Connected, Failed, Closed };
std::string_view phase_name(PeerPhase phase);

// webrtcbin's aggregate connection state, mirrored without GStreamer types.
enum class ConnState { New, Connecting, Connected, Disconnected, Failed, Closed };

struct RetryPolicy {
  unsigned max_retries = 5;        // failures tolerated before giving up
  unsigned base_delay_ms = 500;    // offerer's first retry delay; doubles each time
  unsigned max_delay_ms = 8000;    // cap of the doubling
  unsigned offer_wait_ms = 15000;  // how long a failed answerer waits for a new offer, and
                                   // an offerer for the answer
};

namespace ev {
struct Start {};
struct LocalOfferCreated { std::string sdp; };
struct LocalAnswerCreated { std::string sdp; };
struct LocalCandidate { IceCandidate candidate; };
struct RemoteOffer { std::string sdp; };
struct RemoteAnswer { std::string sdp; };
struct RemoteCandidate { IceCandidate candidate; };
struct Connection { ConnState state; };
struct FingerprintVerdict { bool ok = false; std::string reason; };
struct Failure { std::string reason; };
struct RetryTimer { std::uint64_t generation = 0; };
struct Close { std::string reason; };
}  // namespace ev

using PeerEvent = std::variant<ev::Start, ev::LocalOfferCreated, ev::LocalAnswerCreated,
                               ev::LocalCandidate, ev::RemoteOffer, ev::RemoteAnswer,
                               ev::RemoteCandidate, ev::Connection, ev::FingerprintVerdict,
                               ev::Failure, ev::RetryTimer, ev::Close>;

namespace act {
struct CreateOffer { friend bool operator==(const CreateOffer&, const CreateOffer&) = default; };
struct CreateAnswer { friend bool operator==(const CreateAnswer&, const CreateAnswer&) = default; };
struct SetLocal {
  SessionDescription desc;
  friend bool operator==(const SetLocal&, const SetLocal&) = default;
};
struct SetRemote {
  SessionDescription desc;
  friend bool operator==(const SetRemote&, const SetRemote&) = default;
};
struct AddCandidate {
  IceCandidate candidate;
  friend bool operator==(const AddCandidate&, const AddCandidate&) = default;
};
struct SendSignal {
  SignalData data;
  friend bool operator==(const SendSignal&, const SendSignal&) = default;
};
// Tear the peer's webrtcbin (and its branches) down and build a fresh one.
struct Recreate { friend bool operator==(const Recreate&, const Recreate&) = default; };
// Feed ev::RetryTimer{generation} back after delay_ms.
struct ScheduleRetry {
  unsigned delay_ms = 0;
  std::uint64_t generation = 0;
  friend bool operator==(const ScheduleRetry&, const ScheduleRetry&) = default;
};
// The remote is verified: let audio flow both ways.
struct AllowMedia { friend bool operator==(const AllowMedia&, const AllowMedia&) = default; };
struct Report {
  PeerPhase phase = PeerPhase::New;
  std::string reason;
  friend bool operator==(const Report&, const Report&) = default;
};
// Remove the peer for good (security, or a local close).
struct Drop {
  std::string reason;
  friend bool operator==(const Drop&, const Drop&) = default;
};
// Remove the peer for good: too many failures.
struct GiveUp {
  std::string reason;
  friend bool operator==(const GiveUp&, const GiveUp&) = default;
};
}  // namespace act

using PeerAction = std::variant<act::CreateOffer, act::CreateAnswer, act::SetLocal, act::SetRemote,
                                act::AddCandidate, act::SendSignal, act::Recreate,
                                act::ScheduleRetry, act::AllowMedia, act::Report, act::Drop,
                                act::GiveUp>;
using Actions = std::vector<PeerAction>;

class PeerState {
 public:
  PeerState(bool we_offer, RetryPolicy policy = {});

  Actions handle(const PeerEvent& event);

  bool we_offer() const { return we_offer_; }
  bool closed() const { return stage_ == Stage::Closed; }
  bool connected() const { return connected_ && verified_; }
  unsigned failures() const { return failures_; }
  // The SDP last set as remote description on the current link (for the fingerprint check).
  const std::string& remote_sdp() const { return remote_sdp_; }

  // Bound on candidates queued before the remote description; extras are dropped.
  static constexpr std::size_t kMaxQueuedCandidates = 64;

 private:
  enum class Stage {
    Idle, CreatingOffer, HaveLocalOffer, AwaitingOffer, CreatingAnswer, Stable, WaitingRetry,
    Closed
  };

  Actions on(const ev::Start&);
  Actions on(const ev::LocalOfferCreated&);
  Actions on(const ev::LocalAnswerCreated&);
  Actions on(const ev::LocalCandidate&);
  Actions on(const ev::RemoteOffer&);
  Actions on(const ev::RemoteAnswer&);
  Actions on(const ev::RemoteCandidate&);
  Actions on(const ev::Connection&);
  Actions on(const ev::FingerprintVerdict&);
  Actions on(const ev::Failure&);
  Actions on(const ev::RetryTimer&);
  Actions on(const ev::Close&);

  // SetRemote followed by the queued candidates.
  void set_remote(Actions& out, SessionDescription desc);
  // Forget everything tied to the current webrtcbin.
  void reset_link();
  unsigned retry_delay_ms() const;

  bool we_offer_;
  RetryPolicy policy_;
  Stage stage_ = Stage::Idle;
  bool link_used_ = false;   // a description was set on the current webrtcbin
  bool remote_set_ = false;  // the current webrtcbin has a remote description
  bool link_failed_ = false; // the current webrtcbin already reported a failure
  bool connected_ = false;
  bool verified_ = false;
  unsigned failures_ = 0;
  std::uint64_t retry_generation_ = 0;
  std::string remote_sdp_;
  std::deque<IceCandidate> queued_;
};

}  // namespace shotcall::mesh
