#include "app/net/ice_refresh.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <string_view>

namespace shotcall::net {
namespace {

bool is_turn_url(std::string_view url) {
  return url.starts_with("turn:") || url.starts_with("turns:");
}

// The expiry of a username `<digits>:…` (coturn reads the digits up to the first ':').
std::optional<std::int64_t> expiry_of(std::string_view username) {
  const auto colon = username.find(':');
  if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
  const std::string_view digits = username.substr(0, colon);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  // Too many digits for an int64 (or for milliseconds below): not a time this client can use.
  if (ec != std::errc{} || end != digits.data() + digits.size() ||
      value > std::numeric_limits<std::int64_t>::max() / 1000 - 1)
    return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int64_t> turn_credentials_expiry_s(
    const std::vector<protocol::IceServer>& servers) {
  std::optional<std::int64_t> earliest;
  for (const auto& server : servers) {
    if (!server.username || std::none_of(server.urls.begin(), server.urls.end(), is_turn_url))
      continue;
    if (const auto expiry = expiry_of(*server.username))
      earliest = earliest ? std::min(*earliest, *expiry) : *expiry;
  }
  return earliest;
}

std::optional<std::int64_t> ice_refresh_at_ms(const std::vector<protocol::IceServer>& servers,
                                              std::int64_t now_ms) {
  const auto expiry_s = turn_credentials_expiry_s(servers);
  if (!expiry_s) return std::nullopt;
  const std::int64_t remaining_ms = *expiry_s * 1000 - now_ms;
  if (remaining_ms <= 0) return now_ms + kIceRefreshExpiredDelayMs;
  const std::int64_t margin_ms =
      std::min(std::max(kIceRefreshMinMarginMs, remaining_ms / 10), remaining_ms / 2);
  return now_ms + std::max(remaining_ms - margin_ms, kIceRefreshMinDelayMs);
}

}  // namespace shotcall::net
