#include "app/net/backoff.hpp"

#include <algorithm>

namespace shotcall::net {

Backoff::Backoff(std::uint32_t first_ms, std::uint32_t cap_ms, std::function<double()> random01)
    : first_ms_(std::max<std::uint32_t>(first_ms, 1)),
      cap_ms_(std::max(cap_ms, first_ms_)),
      random01_(std::move(random01)) {}

std::uint32_t Backoff::next_delay_ms() {
  const std::uint32_t shift = std::min<std::uint32_t>(attempt_, 20);
  ++attempt_;
  const std::uint64_t base = std::min<std::uint64_t>(std::uint64_t{first_ms_} << shift, cap_ms_);
  // "Equal jitter": half fixed, half random, so the delay never collapses to zero.
  const double jitter = std::clamp(random01_(), 0.0, 1.0);
  return static_cast<std::uint32_t>(base / 2 + static_cast<std::uint64_t>(jitter * (base / 2)));
}

}  // namespace shotcall::net
