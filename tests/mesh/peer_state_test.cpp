// The negotiation state machine: for each event sequence, exactly which actions come out.
#include "app/mesh/peer_state.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace shotcall::mesh {
namespace {

// Readable action lists in failure messages.
std::string describe(const PeerAction& a) {
  struct V {
    std::string operator()(const act::CreateOffer&) const { return "CreateOffer"; }
    std::string operator()(const act::CreateAnswer&) const { return "CreateAnswer"; }
    std::string operator()(const act::SetLocal& x) const {
      return "SetLocal(" + std::string(sdp_type_name(x.desc.type)) + "," + x.desc.sdp + ")";
    }
    std::string operator()(const act::SetRemote& x) const {
      return "SetRemote(" + std::string(sdp_type_name(x.desc.type)) + "," + x.desc.sdp + ")";
    }
    std::string operator()(const act::AddCandidate& x) const {
      return "AddCandidate(" + x.candidate.candidate + ")";
    }
    std::string operator()(const act::SendSignal& x) const {
      return "SendSignal(" + encode_signal(x.data) + ")";
    }
    std::string operator()(const act::Recreate&) const { return "Recreate"; }
    std::string operator()(const act::ScheduleRetry& x) const {
      return "ScheduleRetry(" + std::to_string(x.delay_ms) + "," + std::to_string(x.generation) + ")";
    }
    std::string operator()(const act::AllowMedia&) const { return "AllowMedia"; }
    std::string operator()(const act::Report& x) const {
      return "Report(" + std::string(phase_name(x.phase)) + "," + x.reason + ")";
    }
    std::string operator()(const act::Drop& x) const { return "Drop(" + x.reason + ")"; }
    std::string operator()(const act::GiveUp& x) const { return "GiveUp(" + x.reason + ")"; }
  };
  return std::visit(V{}, a);
}

std::string describe(const Actions& actions) {
  std::string out = "[";
  for (const auto& a : actions) out += (out.size() > 1 ? ", " : "") + describe(a);
  return out + "]";
}

// Compares exactly, and shows both lists readably on failure.
#define EXPECT_ACTIONS(actual, expected)                         \
  do {                                                           \
    const Actions got_ = (actual);                               \
    const Actions want_ = (expected);                            \
    EXPECT_EQ(describe(got_), describe(want_));                  \
    EXPECT_TRUE(got_ == want_);                                  \
  } while (0)

const SessionDescription kOffer{SdpType::Offer, "OFFER-1"};
const SessionDescription kAnswer{SdpType::Answer, "ANSWER-1"};
const IceCandidate kC1{"candidate:1", 0};
const IceCandidate kC2{"candidate:2", 0};

act::Report connecting() { return {PeerPhase::Connecting, {}}; }

// An offerer driven to a verified, connected link.
PeerState connected_offerer(RetryPolicy p = {}) {
  PeerState s(true, p);
  s.handle(ev::Start{});
  s.handle(ev::LocalOfferCreated{kOffer.sdp});
  s.handle(ev::RemoteAnswer{kAnswer.sdp});
  s.handle(ev::Connection{ConnState::Connected});
  s.handle(ev::FingerprintVerdict{true, {}});
  return s;
}

PeerState connected_answerer(RetryPolicy p = {}) {
  PeerState s(false, p);
  s.handle(ev::Start{});
  s.handle(ev::RemoteOffer{kOffer.sdp});
  s.handle(ev::LocalAnswerCreated{kAnswer.sdp});
  s.handle(ev::Connection{ConnState::Connected});
  s.handle(ev::FingerprintVerdict{true, {}});
  return s;
}

TEST(PeerState, OffererHappyPath) {
  PeerState s(true);
  EXPECT_ACTIONS(s.handle(ev::Start{}), (Actions{connecting(), act::CreateOffer{}}));
  EXPECT_ACTIONS(
      s.handle(ev::LocalOfferCreated{"OFFER-1"}),
      (Actions{act::SetLocal{kOffer}, act::SendSignal{kOffer}, act::ScheduleRetry{15000, 0}}));
  EXPECT_ACTIONS(s.handle(ev::LocalCandidate{kC1}), (Actions{act::SendSignal{kC1}}));
  EXPECT_ACTIONS(s.handle(ev::RemoteAnswer{"ANSWER-1"}), (Actions{act::SetRemote{kAnswer}}));
  EXPECT_ACTIONS(s.handle(ev::RetryTimer{0}), Actions{});  // the answer came: the wait is over
  EXPECT_ACTIONS(s.handle(ev::RemoteCandidate{kC2}), (Actions{act::AddCandidate{kC2}}));
  EXPECT_ACTIONS(s.handle(ev::Connection{ConnState::Connected}), Actions{});  // not verified yet
  EXPECT_ACTIONS(s.handle(ev::FingerprintVerdict{true, {}}),
            (Actions{act::AllowMedia{}, act::Report{PeerPhase::Connected, {}}}));
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(s.remote_sdp(), "ANSWER-1");
}

TEST(PeerState, VerdictBeforeConnectedReportsOnConnected) {
  PeerState s(false);
  s.handle(ev::Start{});
  s.handle(ev::RemoteOffer{"OFFER-1"});
  s.handle(ev::LocalAnswerCreated{"ANSWER-1"});
  EXPECT_ACTIONS(s.handle(ev::FingerprintVerdict{true, {}}), (Actions{act::AllowMedia{}}));
  EXPECT_ACTIONS(s.handle(ev::Connection{ConnState::Connected}),
            (Actions{act::Report{PeerPhase::Connected, {}}}));
  EXPECT_ACTIONS(s.handle(ev::Connection{ConnState::Connected}), Actions{});  // said once
}

TEST(PeerState, AnswererHappyPath) {
  PeerState s(false);
  EXPECT_ACTIONS(s.handle(ev::Start{}), (Actions{connecting()}));
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"OFFER-1"}),
            (Actions{act::SetRemote{kOffer}, act::CreateAnswer{}}));
  EXPECT_ACTIONS(s.handle(ev::LocalAnswerCreated{"ANSWER-1"}),
            (Actions{act::SetLocal{kAnswer}, act::SendSignal{kAnswer}}));
  EXPECT_ACTIONS(s.handle(ev::LocalCandidate{kC1}), (Actions{act::SendSignal{kC1}}));
}

TEST(PeerState, CandidatesBeforeOfferAreQueuedThenAddedInOrder) {
  PeerState s(false);
  s.handle(ev::Start{});
  EXPECT_ACTIONS(s.handle(ev::RemoteCandidate{kC1}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::RemoteCandidate{kC2}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::RemoteCandidate{IceCandidate{"", 0}}), Actions{});  // end marker
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"OFFER-1"}),
            (Actions{act::SetRemote{kOffer}, act::AddCandidate{kC1}, act::AddCandidate{kC2},
                     act::CreateAnswer{}}));
}

TEST(PeerState, CandidatesBeforeAnswerAreQueuedOnTheOfferer) {
  PeerState s(true);
  s.handle(ev::Start{});
  s.handle(ev::LocalOfferCreated{"OFFER-1"});
  EXPECT_ACTIONS(s.handle(ev::RemoteCandidate{kC1}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::RemoteAnswer{"ANSWER-1"}),
            (Actions{act::SetRemote{kAnswer}, act::AddCandidate{kC1}}));
}

TEST(PeerState, CandidateQueueIsBounded) {
  PeerState s(false);
  s.handle(ev::Start{});
  for (std::size_t i = 0; i < PeerState::kMaxQueuedCandidates + 10; ++i) {
    s.handle(ev::RemoteCandidate{IceCandidate{"candidate:" + std::to_string(i), 0}});
  }
  Actions out = s.handle(ev::RemoteOffer{"OFFER-1"});
  EXPECT_EQ(out.size(), PeerState::kMaxQueuedCandidates + 2);  // SetRemote + queue + CreateAnswer
}

TEST(PeerState, AnswerWithoutOfferIsIgnored) {
  PeerState offerer(true);
  offerer.handle(ev::Start{});
  EXPECT_ACTIONS(offerer.handle(ev::RemoteAnswer{"ANSWER-1"}), Actions{});  // offer not made yet
  PeerState answerer(false);
  answerer.handle(ev::Start{});
  EXPECT_ACTIONS(answerer.handle(ev::RemoteAnswer{"ANSWER-1"}), Actions{});
  // And a second answer to the same offer is ignored too.
  PeerState s(true);
  s.handle(ev::Start{});
  s.handle(ev::LocalOfferCreated{"OFFER-1"});
  EXPECT_ACTIONS(s.handle(ev::RemoteAnswer{"ANSWER-1"}), (Actions{act::SetRemote{kAnswer}}));
  EXPECT_ACTIONS(s.handle(ev::RemoteAnswer{"ANSWER-2"}), Actions{});
}

TEST(PeerState, GlareOfferToTheOffererIsIgnored) {
  PeerState s(true);
  s.handle(ev::Start{});
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"THEIRS"}), Actions{});  // before our offer exists
  s.handle(ev::LocalOfferCreated{"OFFER-1"});
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"THEIRS"}), Actions{});  // while ours is pending
  // Our negotiation goes on undisturbed.
  EXPECT_ACTIONS(s.handle(ev::RemoteAnswer{"ANSWER-1"}), (Actions{act::SetRemote{kAnswer}}));
}

TEST(PeerState, DuplicateOfferIsIgnored) {
  PeerState s(false);
  s.handle(ev::Start{});
  s.handle(ev::RemoteOffer{"OFFER-1"});
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"OFFER-1"}), Actions{});  // while answering
  s.handle(ev::LocalAnswerCreated{"ANSWER-1"});
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"OFFER-1"}), Actions{});  // after answering
}

TEST(PeerState, NewOfferForAnExistingPeerRecreatesTheAnswerer) {
  PeerState s = connected_answerer();
  const SessionDescription offer2{SdpType::Offer, "OFFER-2"};
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"OFFER-2"}),
            (Actions{act::Recreate{}, connecting(), act::SetRemote{offer2}, act::CreateAnswer{}}));
  EXPECT_FALSE(s.connected());
  EXPECT_EQ(s.remote_sdp(), "OFFER-2");
}

TEST(PeerState, StaleLocalDescriptionsAreIgnored) {
  PeerState s(true);
  s.handle(ev::Start{});
  EXPECT_ACTIONS(s.handle(ev::LocalAnswerCreated{"X"}), Actions{});
  s.handle(ev::LocalOfferCreated{"OFFER-1"});
  EXPECT_ACTIONS(s.handle(ev::LocalOfferCreated{"OFFER-1b"}), Actions{});
}

TEST(PeerState, LocalCandidateBeforeAnyDescriptionIsNotSent) {
  PeerState s(false);
  s.handle(ev::Start{});
  EXPECT_ACTIONS(s.handle(ev::LocalCandidate{kC1}), Actions{});
}

TEST(PeerState, OffererFailureRecreatesWithFreshOfferAfterBackoff) {
  RetryPolicy p{3, 100, 1000, 5000};
  PeerState s = connected_offerer(p);
  EXPECT_ACTIONS(s.handle(ev::Connection{ConnState::Failed}),
            (Actions{act::Report{PeerPhase::Failed, "connection failed"}, act::ScheduleRetry{100, 1}}));
  // While waiting: the dead link's news and the remote's stale messages change nothing.
  EXPECT_ACTIONS(s.handle(ev::Failure{"again"}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::LocalCandidate{kC1}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::RetryTimer{0}), Actions{});  // wrong generation
  EXPECT_ACTIONS(s.handle(ev::RetryTimer{1}),
            (Actions{act::Recreate{}, connecting(), act::CreateOffer{}}));
  const SessionDescription offer2{SdpType::Offer, "OFFER-2"};
  EXPECT_ACTIONS(
      s.handle(ev::LocalOfferCreated{"OFFER-2"}),
      (Actions{act::SetLocal{offer2}, act::SendSignal{offer2}, act::ScheduleRetry{5000, 1}}));
  const SessionDescription answer2{SdpType::Answer, "ANSWER-2"};
  EXPECT_ACTIONS(s.handle(ev::RemoteAnswer{"ANSWER-2"}), (Actions{act::SetRemote{answer2}}));
}

TEST(PeerState, AnswererFailureWaitsForTheNewOfferThenRecreates) {
  RetryPolicy p{3, 100, 1000, 5000};
  PeerState s = connected_answerer(p);
  // The offer that built this link voided generation 1, so the wait timer is generation 2.
  EXPECT_ACTIONS(s.handle(ev::Failure{"dtls failed"}),
            (Actions{act::Report{PeerPhase::Failed, "dtls failed"}, act::ScheduleRetry{5000, 2}}));
  EXPECT_ACTIONS(s.handle(ev::Failure{"no media"}), Actions{});  // the same dead link
  const SessionDescription offer2{SdpType::Offer, "OFFER-2"};
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"OFFER-2"}),
            (Actions{act::Recreate{}, connecting(), act::SetRemote{offer2}, act::CreateAnswer{}}));
  EXPECT_ACTIONS(s.handle(ev::RetryTimer{2}), Actions{});  // the offer came first: timer is void
}

TEST(PeerState, AnswererRebuildsItsSideWhenNoOfferComes) {
  RetryPolicy p{3, 100, 1000, 5000};
  PeerState s = connected_answerer(p);
  Actions failed = s.handle(ev::Failure{"no media"});
  ASSERT_EQ(failed.size(), 2u);
  auto wait = std::get<act::ScheduleRetry>(failed[1]);
  EXPECT_EQ(wait.delay_ms, 5000u);
  EXPECT_ACTIONS(s.handle(ev::RetryTimer{wait.generation}), (Actions{act::Recreate{}, connecting()}));
  // The fresh link takes the next offer without another rebuild.
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"OFFER-2"}),
            (Actions{act::SetRemote{SessionDescription{SdpType::Offer, "OFFER-2"}},
                     act::CreateAnswer{}}));
}

// An offer nobody answers (lost, or relayed by nobody while the server was away) fails the
// link once its wait is over, in words that say so, and the offer goes out again after the
// backoff (before, only the engine's connect timeout ended the wait, blaming the network).
TEST(PeerState, AnOfferWithNoAnswerInTimeFailsAndIsMadeAgain) {
  RetryPolicy p{3, 100, 1000, 5000};
  PeerState s(true, p);
  s.handle(ev::Start{});
  Actions sent = s.handle(ev::LocalOfferCreated{"OFFER-1"});
  ASSERT_EQ(sent.size(), 3u);
  const auto wait = std::get<act::ScheduleRetry>(sent[2]);
  EXPECT_EQ(wait.delay_ms, 5000u);
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"THEIR-OFFER"}), Actions{});  // glare, as before
  EXPECT_ACTIONS(s.handle(ev::RetryTimer{wait.generation}),
                 (Actions{act::Report{PeerPhase::Failed, "no answer in 5000 ms"},
                          act::ScheduleRetry{100, wait.generation + 1}}));
  EXPECT_ACTIONS(s.handle(ev::RetryTimer{wait.generation + 1}),
                 (Actions{act::Recreate{}, connecting(), act::CreateOffer{}}));
  // Each wait counts towards the limit: three more unanswered offers, and it gives up.
  for (int round = 0; round < 3; ++round) {
    sent = s.handle(ev::LocalOfferCreated{"OFFER"});
    ASSERT_EQ(sent.size(), 3u);
    Actions failed = s.handle(ev::RetryTimer{std::get<act::ScheduleRetry>(sent[2]).generation});
    ASSERT_FALSE(failed.empty());
    if (round == 2) {
      const std::string why = "gave up after 3 retries: no answer in 5000 ms";
      EXPECT_ACTIONS(failed, (Actions{act::Report{PeerPhase::Failed, why}, act::GiveUp{why}}));
    } else {
      s.handle(ev::RetryTimer{std::get<act::ScheduleRetry>(failed[1]).generation});
    }
  }
  EXPECT_TRUE(s.closed());
}

TEST(PeerState, BackoffDoublesAndGivesUpAfterRetryLimit) {
  RetryPolicy p{3, 100, 250, 5000};
  PeerState s(true, p);
  s.handle(ev::Start{});
  std::vector<unsigned> delays;
  for (int round = 0; round < 3; ++round) {
    s.handle(ev::LocalOfferCreated{"OFFER"});
    Actions out = s.handle(ev::Failure{"ice failed"});
    ASSERT_EQ(out.size(), 2u);
    auto retry = std::get<act::ScheduleRetry>(out[1]);
    delays.push_back(retry.delay_ms);
    s.handle(ev::RetryTimer{retry.generation});
  }
  EXPECT_EQ(delays, (std::vector<unsigned>{100, 200, 250}));
  s.handle(ev::LocalOfferCreated{"OFFER"});
  const std::string why = "gave up after 3 retries: ice failed";
  EXPECT_ACTIONS(s.handle(ev::Failure{"ice failed"}),
            (Actions{act::Report{PeerPhase::Failed, why}, act::GiveUp{why}}));
  EXPECT_TRUE(s.closed());
  EXPECT_ACTIONS(s.handle(ev::RemoteAnswer{"A"}), Actions{});
}

TEST(PeerState, VerifiedConnectionResetsTheFailureCount) {
  RetryPolicy p{1, 100, 1000, 5000};
  PeerState s = connected_offerer(p);
  Actions out = s.handle(ev::Failure{"x"});
  s.handle(ev::RetryTimer{std::get<act::ScheduleRetry>(out[1]).generation});
  s.handle(ev::LocalOfferCreated{"OFFER-2"});
  s.handle(ev::RemoteAnswer{"ANSWER-2"});
  s.handle(ev::Connection{ConnState::Connected});
  s.handle(ev::FingerprintVerdict{true, {}});
  EXPECT_EQ(s.failures(), 0u);
  // One more failure is again within the limit of 1.
  EXPECT_EQ(std::get<act::Report>(s.handle(ev::Failure{"y"})[0]).phase, PeerPhase::Failed);
  EXPECT_FALSE(s.closed());
}

TEST(PeerState, FingerprintMismatchDropsForGood) {
  PeerState s(true);
  s.handle(ev::Start{});
  s.handle(ev::LocalOfferCreated{"OFFER-1"});
  s.handle(ev::RemoteAnswer{"ANSWER-1"});
  s.handle(ev::Connection{ConnState::Connected});
  const std::string why = "fingerprint mismatch: certificate AB != SDP CD";
  EXPECT_ACTIONS(s.handle(ev::FingerprintVerdict{false, "certificate AB != SDP CD"}),
            (Actions{act::Report{PeerPhase::Failed, why}, act::Drop{why}}));
  EXPECT_TRUE(s.closed());
  EXPECT_ACTIONS(s.handle(ev::Failure{"x"}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::RemoteOffer{"O"}), Actions{});
}

TEST(PeerState, VerdictWithoutRemoteDescriptionIsIgnored) {
  PeerState s(false);
  s.handle(ev::Start{});
  EXPECT_ACTIONS(s.handle(ev::FingerprintVerdict{false, "x"}), Actions{});
  EXPECT_FALSE(s.closed());
}

TEST(PeerState, TransientStatesAndEarlyFailuresOfAnUnusedAnswererAreQuiet) {
  PeerState s(false);
  s.handle(ev::Start{});
  EXPECT_ACTIONS(s.handle(ev::Connection{ConnState::Connecting}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::Connection{ConnState::Disconnected}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::Failure{"nothing to fail yet"}), Actions{});
  EXPECT_EQ(s.failures(), 0u);
}

TEST(PeerState, CloseReportsOnceAndSilencesEverything) {
  PeerState s = connected_offerer();
  EXPECT_ACTIONS(s.handle(ev::Close{"left"}), (Actions{act::Report{PeerPhase::Closed, "left"}}));
  EXPECT_ACTIONS(s.handle(ev::Close{"again"}), Actions{});
  EXPECT_ACTIONS(s.handle(ev::Failure{"x"}), Actions{});
}

}  // namespace
}  // namespace shotcall::mesh
