#include "app/mesh/fec_hold.hpp"

#include <algorithm>

namespace shotcall::mesh {

std::optional<bool> FecHold::sample(const std::string& link, std::uint64_t packets_concealed,
                                    std::int64_t now_ms) {
  Link& l = links_[link];
  if (packets_concealed > l.most_concealed) {
    l.most_concealed = packets_concealed;
    l.last_loss_ms = now_ms;
    if (!l.holding) {
      l.holding = true;
      return true;
    }
    return std::nullopt;
  }
  if (l.holding && now_ms - l.last_loss_ms >= limits_.release_after_ms) {
    l.holding = false;
    return false;
  }
  return std::nullopt;
}

bool FecHold::holds(const std::string& link) const {
  auto it = links_.find(link);
  return it != links_.end() && it->second.holding;
}

bool FecHold::any() const {
  return std::any_of(links_.begin(), links_.end(),
                     [](const auto& entry) { return entry.second.holding; });
}

}  // namespace shotcall::mesh
