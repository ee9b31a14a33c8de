#include "app/mesh/jitter_budget.hpp"

#include <algorithm>
#include <cmath>

namespace shotcall::mesh {

JitterBudget::JitterBudget(int start_ms, JitterLimits limits)
    : limits_(limits), depth_ms_(std::clamp(start_ms, limits.floor_ms, limits.ceiling_ms)) {}

int JitterBudget::need_of(double jitter_ms) const {
  const double wanted = std::max<double>(limits_.floor_ms, limits_.jitter_factor * jitter_ms);
  const int step = std::max(1, limits_.step_ms);
  // Whole steps, rounded up: a need of 5.2 ms is a need of 10.
  const double steps = std::ceil(std::min<double>(wanted, limits_.ceiling_ms) / step);
  return std::clamp(static_cast<int>(steps) * step, limits_.floor_ms, limits_.ceiling_ms);
}

int JitterBudget::deepest(int Link::*field) const {
  int deepest = 0;
  for (const auto& [id, link] : links_) deepest = std::max(deepest, link.*field);
  return deepest;
}

bool JitterBudget::steady(const std::string& id, std::uint64_t packets_received,
                          std::int64_t now_ms) {
  Link& link = links_[id];
  // A link sampled for the first time: this interval's start is unknown, so it is not judged;
  // but its estimate remembers nothing from before the link began. A count that went down (a
  // rebuilt webrtcbin the engine did not `start`, or summed sources that changed) is not judged
  // either, and proves nothing about what the estimate remembers.
  const bool fresh = !link.sampled_at_ms;
  const bool fell = !fresh && packets_received < link.packets;
  if (!fresh && !fell && now_ms - *link.sampled_at_ms < limits_.min_interval_ms) return false;
  bool steady = false;
  if (!fresh && !fell) {
    const auto packets = static_cast<double>(packets_received - link.packets);
    const auto seconds = static_cast<double>(now_ms - *link.sampled_at_ms) / 1000.0;
    steady = packets >= limits_.min_packets_per_second * seconds;
  }
  const bool both = steady && link.steady_before;
  // What the next interval's estimate may remember from this one: speech only, or nothing.
  link.steady_before = steady || fresh || packets_received == 0;
  link.packets = packets_received;
  link.sampled_at_ms = now_ms;
  return both;
}

std::optional<int> JitterBudget::sample(const std::string& link, double jitter_ms,
                                        std::uint64_t packets_received, std::int64_t now_ms) {
  if (!steady(link, packets_received, now_ms)) return std::nullopt;
  if (!std::isfinite(jitter_ms) || jitter_ms < 0) return std::nullopt;
  Link& measured = links_[link];
  measured.need_ms = need_of(jitter_ms);
  measured.keep_ms = need_of(jitter_ms * limits_.shrink_margin);
  const int need = need_ms();
  if (need > depth_ms_) {
    below_since_ms_.reset();
    depth_ms_ = need;
    return depth_ms_;
  }
  const int keep = deepest(&Link::keep_ms);
  if (keep >= depth_ms_) {
    below_since_ms_.reset();
    return std::nullopt;
  }
  if (!below_since_ms_) {
    below_since_ms_ = now_ms;
    most_asked_while_below_ = keep;
    return std::nullopt;
  }
  most_asked_while_below_ = std::max(most_asked_while_below_, keep);
  if (now_ms - *below_since_ms_ < limits_.shrink_after_ms) return std::nullopt;
  below_since_ms_.reset();
  depth_ms_ = most_asked_while_below_;
  return depth_ms_;
}

void JitterBudget::start(const std::string& id, std::int64_t now_ms) {
  Link& link = links_[id];  // what it measured before, if it was rebuilt, stands until measured
  link.packets = 0;
  link.sampled_at_ms = now_ms;
  link.steady_before = true;
}

void JitterBudget::forget(const std::string& link) { links_.erase(link); }

}  // namespace shotcall::mesh
