#include "app/mesh/peer_state.hpp"

#include <algorithm>

#include "app/i18n/translate.hpp"

namespace shotcall::mesh {

std::string_view phase_name(PeerPhase phase) {
  switch (phase) {
    case PeerPhase::New: return "new";
    case PeerPhase::Connecting: return "connecting";
    case PeerPhase::Connected: return "connected";
    case PeerPhase::Failed: return "failed";
    case PeerPhase::Closed: return "closed";
  }
  return "unknown";
}

PeerState::PeerState(bool we_offer, RetryPolicy policy) : we_offer_(we_offer), policy_(policy) {}

Actions PeerState::handle(const PeerEvent& event) {
  // Nothing moves a closed peer again: late callbacks from a torn-down link land here.
  if (stage_ == Stage::Closed) return {};
  return std::visit([this](const auto& e) { return on(e); }, event);
}

Actions PeerState::on(const ev::Start&) {
  if (stage_ != Stage::Idle) return {};
  if (we_offer_) {
    stage_ = Stage::CreatingOffer;
    return {act::Report{PeerPhase::Connecting, {}}, act::CreateOffer{}};
  }
  stage_ = Stage::AwaitingOffer;
  return {act::Report{PeerPhase::Connecting, {}}};
}

Actions PeerState::on(const ev::LocalOfferCreated& e) {
  if (stage_ != Stage::CreatingOffer) return {};  // stale: the link was rebuilt meanwhile
  stage_ = Stage::HaveLocalOffer;
  link_used_ = true;
  SessionDescription offer{SdpType::Offer, e.sdp};
  // The answer has `offer_wait_ms` to come (RetryTimer).
  return {act::SetLocal{offer}, act::SendSignal{offer},
          act::ScheduleRetry{policy_.offer_wait_ms, retry_generation_}};
}

Actions PeerState::on(const ev::LocalAnswerCreated& e) {
  if (stage_ != Stage::CreatingAnswer) return {};
  stage_ = Stage::Stable;
  SessionDescription answer{SdpType::Answer, e.sdp};
  return {act::SetLocal{answer}, act::SendSignal{answer}};
}

Actions PeerState::on(const ev::LocalCandidate& e) {
  // Candidates only exist once a local description is set; while a rebuild is pending they
  // belong to the dead link.
  if (!link_used_ || stage_ == Stage::WaitingRetry) return {};
  return {act::SendSignal{e.candidate}};
}

void PeerState::set_remote(Actions& out, SessionDescription desc) {
  remote_sdp_ = desc.sdp;
  remote_set_ = true;
  link_used_ = true;
  out.push_back(act::SetRemote{std::move(desc)});
  for (auto& c : queued_) out.push_back(act::AddCandidate{std::move(c)});
  queued_.clear();
}

Actions PeerState::on(const ev::RemoteOffer& e) {
  // The joiner offers; an offer reaching the designated offerer is glare. Keeping our own
  // offer is the only choice that cannot deadlock, since the remote will get our offer.
  if (we_offer_) return {};
  Actions out;
  if (link_used_) {
    if (e.sdp == remote_sdp_) return {};  // the same offer delivered twice
    // A different offer on a used link: the offerer rebuilt its side (webrtcbin 1.22 cannot
    // renegotiate), so rebuild ours and answer on a fresh webrtcbin.
    reset_link();
    out.push_back(act::Recreate{});
    out.push_back(act::Report{PeerPhase::Connecting, {}});
  }
  ++retry_generation_;  // a pending offer-wait timer is void now
  stage_ = Stage::CreatingAnswer;
  set_remote(out, SessionDescription{SdpType::Offer, e.sdp});
  out.push_back(act::CreateAnswer{});
  return out;
}

Actions PeerState::on(const ev::RemoteAnswer& e) {
  // An answer is only meaningful to an offer we sent and that has no answer yet.
  if (!we_offer_ || stage_ != Stage::HaveLocalOffer) return {};
  stage_ = Stage::Stable;
  Actions out;
  set_remote(out, SessionDescription{SdpType::Answer, e.sdp});
  return out;
}

Actions PeerState::on(const ev::RemoteCandidate& e) {
  if (e.candidate.candidate.empty()) return {};  // end-of-candidates: nothing to add
  if (remote_set_) return {act::AddCandidate{e.candidate}};
  if (queued_.size() < kMaxQueuedCandidates) queued_.push_back(e.candidate);
  return {};
}

Actions PeerState::on(const ev::Connection& e) {
  switch (e.state) {
    case ConnState::Connected:
      if (!remote_set_ || connected_) return {};
      connected_ = true;
      if (!verified_) return {};  // wait for the fingerprint verdict before saying so
      failures_ = 0;
      return {act::Report{PeerPhase::Connected, {}}};
    case ConnState::Failed:
      // Translators: why a teammate's voice link broke (after "Connection lost: ").
      return on(ev::Failure{i18n::tr("connection failed")});
    default:
      return {};  // new/connecting/disconnected are transient; closed is our own doing
  }
}

Actions PeerState::on(const ev::FingerprintVerdict& e) {
  if (!remote_set_ || verified_) return {};
  if (!e.ok) {
    stage_ = Stage::Closed;
    // Translators: why a teammate's voice link broke; {reason} is technical (certificate hashes).
    std::string why =
        i18n::fill(i18n::tr("fingerprint mismatch: {reason}"), {{"reason", e.reason}});
    return {act::Report{PeerPhase::Failed, why}, act::Drop{why}};
  }
  verified_ = true;
  Actions out{act::AllowMedia{}};
  if (connected_) {
    failures_ = 0;
    out.push_back(act::Report{PeerPhase::Connected, {}});
  }
  return out;
}

unsigned PeerState::retry_delay_ms() const {
  unsigned delay = policy_.base_delay_ms;
  for (unsigned i = 1; i < failures_ && delay < policy_.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, policy_.max_delay_ms);
}

Actions PeerState::on(const ev::Failure& e) {
  // Already rebuilding, or a fresh answerer link nobody used yet: nothing more to do.
  if (stage_ == Stage::WaitingRetry || stage_ == Stage::Idle) return {};
  if (!we_offer_ && stage_ == Stage::AwaitingOffer && !remote_set_) return {};
  if (link_failed_) return {};  // the same dead link reporting again
  ++failures_;
  if (failures_ > policy_.max_retries) {
    stage_ = Stage::Closed;
    // Translators: why a teammate's voice link stopped for good; {reason} is the last failure.
    std::string why =
        i18n::fill(i18n::trn("gave up after {count} retry: {reason}",
                             "gave up after {count} retries: {reason}", policy_.max_retries),
                   {{"count", std::to_string(policy_.max_retries)}, {"reason", e.reason}});
    return {act::Report{PeerPhase::Failed, why}, act::GiveUp{why}};
  }
  connected_ = false;
  verified_ = false;
  link_failed_ = true;
  ++retry_generation_;
  if (we_offer_) {
    stage_ = Stage::WaitingRetry;
    return {act::Report{PeerPhase::Failed, e.reason},
            act::ScheduleRetry{retry_delay_ms(), retry_generation_}};
  }
  // The answerer waits for the offerer's fresh offer; the link stays as it is until then.
  stage_ = Stage::AwaitingOffer;
  return {act::Report{PeerPhase::Failed, e.reason},
          act::ScheduleRetry{policy_.offer_wait_ms, retry_generation_}};
}

Actions PeerState::on(const ev::RetryTimer& e) {
  if (e.generation != retry_generation_) return {};  // superseded
  if (we_offer_ && stage_ == Stage::HaveLocalOffer && !remote_set_) {
    // No answer to our offer: lost on the way, or relayed by nobody (the server was away, and
    // the teammate has a new peerId since). A failure like any other, so the offer goes out
    // again after the backoff, to whoever the teammate is now, and in words that say what
    // happened: before, the engine's connect timeout ended the wait 5 s later, blaming the
    // network ("no direct path ... ask for a relay"). The page counts a missing answer the
    // same way (web/js/mesh.js offerWaitMs).
    return on(ev::Failure{i18n::fill(
        // Translators: why a teammate's voice link broke; {ms} is a number of milliseconds.
        i18n::trn("no answer in {ms} ms", "no answer in {ms} ms", policy_.offer_wait_ms),
        {{"ms", std::to_string(policy_.offer_wait_ms)}})});
  }
  if (we_offer_ && stage_ == Stage::WaitingRetry) {
    reset_link();
    stage_ = Stage::CreatingOffer;
    return {act::Recreate{}, act::Report{PeerPhase::Connecting, {}}, act::CreateOffer{}};
  }
  if (!we_offer_ && stage_ == Stage::AwaitingOffer && link_used_) {
    // No new offer came: rebuild our side so the offerer notices the link is gone.
    reset_link();
    return {act::Recreate{}, act::Report{PeerPhase::Connecting, {}}};
  }
  return {};
}

Actions PeerState::on(const ev::Close& e) {
  stage_ = Stage::Closed;
  return {act::Report{PeerPhase::Closed, e.reason}};
}

void PeerState::reset_link() {
  link_used_ = false;
  link_failed_ = false;
  remote_set_ = false;
  connected_ = false;
  verified_ = false;
  remote_sdp_.clear();
  queued_.clear();
}

}  // namespace shotcall::mesh
