#include "signaling/identity/proof_text.hpp"

namespace shotcall::identity {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view to_wire(Purpose purpose) {
  switch (purpose) {
    case Purpose::Register:
      return "register";
    case Purpose::VerifyRiot:
      return "verify-riot";
    case Purpose::LinkRequest:
      return "link-request";
  }
  return "register";  // unreachable: every enumerator is handled above
}

std::string proof_text(Purpose purpose, std::string_view host, std::string_view challenge,
                       std::string_view key, std::string_view riot_id) {
  std::string text = "shotcall-identity-1\n";
  text += to_wire(purpose);
  text += '\n';
  text += host;
  text += '\n';
  text += challenge;
  text += '\n';
  text += key;
  text += '\n';
  text += riot_id;
  return text;
}

std::string dial_host(std::string_view scheme, std::string_view host, int port) {
  std::string out;
  // Only an IPv6 literal contains ':' (a host name or IPv4 address cannot).
  const bool needs_brackets = host.find(':') != std::string_view::npos && !host.starts_with('[');
  if (needs_brackets) out += '[';
  for (const char c : host) out += ascii_lower(c);
  if (needs_brackets) out += ']';
  const bool default_port = (equals_ignoring_case(scheme, "ws") && port == 80) ||
                            (equals_ignoring_case(scheme, "wss") && port == 443);
  if (!default_port) out += ':' + std::to_string(port);
  return out;
}

}  // namespace shotcall::identity
