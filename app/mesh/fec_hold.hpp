// Whether a link's decoder holds each frame back for in-band FEC. Pure: each link's count of
// concealed packets in, "hold" or "let go" out.
//
// With in-band FEC, `opusdec` hands a frame on only once the next packet has arrived, because
// that packet may carry the repair of a lost one (Opus codes a low-rate copy of each SILK frame
// into the next packet). On a link that loses nothing the hold buys nothing and costs one frame
// of delay for every teammate heard, since the render delay all links share has to cover it
// (docs/latency.md). So a link's decoder holds only while the link loses: from the first packet
// its decoder had to conceal (the jitter buffer sends a GAP for a packet still missing when the
// next one is due; one that merely comes late, in order, moves the timestamps instead: no GAP,
// measured with 60 ms of random delay), until it has concealed none for `release_after_ms`.
//
// Starting the hold is not heard: the decoder in place starts holding at its next packet. Ending
// it is: opusdec 1.22 cannot let go on a running stream without stamping every later frame one
// frame early, so a fresh decoder is swapped in (media::PeerLink::set_fec_hold), which loses the
// frame the old one held and fades in over its first ~60 ms. And the render delay moves by a
// frame either way. So the hold starts at the first loss (a link that loses once tends to lose
// again: Wi-Fi, a congested uplink) and lasts long after the last one, rather than following
// every lost packet.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace shotcall::mesh {

struct FecHoldLimits {
  std::int64_t release_after_ms = 20000;
};

class FecHold {
 public:
  explicit FecHold(FecHoldLimits limits = {}) : limits_(limits) {}

  // A link at now_ms: the packets its decoder was asked to conceal so far. Returns the link's
  // new hold when it changes.
  std::optional<bool> sample(const std::string& link, std::uint64_t packets_concealed,
                             std::int64_t now_ms);
  // The link is gone (or rebuilt: a new link's count starts again at 0).
  void forget(const std::string& link) { links_.erase(link); }

  bool holds(const std::string& link) const;
  // Whether any link's decoder holds: the render delay then covers one more frame.
  bool any() const;

 private:
  struct Link {
    std::uint64_t most_concealed = 0;  // the highest count seen: a loss is a count above it
    bool holding = false;
    std::int64_t last_loss_ms = 0;
  };

  FecHoldLimits limits_;
  std::map<std::string, Link> links_;
};

}  // namespace shotcall::mesh
