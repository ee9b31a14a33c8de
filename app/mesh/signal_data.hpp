// The `data` payload of a `signal` message (shared/protocol-v1.md): a session description or a
// trickled ICE candidate, in exactly the shapes a browser's RTCPeerConnection uses, so a browser
// peer needs no translation. Pure: json-glib only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace shotcall::mesh {

enum class SdpType { Offer, Answer };

// {"sdp":{"type":"offer"|"answer","sdp":"..."}}
struct SessionDescription {
  SdpType type = SdpType::Offer;
  std::string sdp;
  friend bool operator==(const SessionDescription&, const SessionDescription&) = default;
};

// {"ice":{"candidate":"...","sdpMLineIndex":N}}. An empty candidate is a browser's
// end-of-candidates marker; the codec keeps it so the caller can decide to ignore it.
struct IceCandidate {
  std::string candidate;
  unsigned mline_index = 0;
  friend bool operator==(const IceCandidate&, const IceCandidate&) = default;
};

using SignalData = std::variant<SessionDescription, IceCandidate>;

// Compact JSON text of the payload.
std::string encode_signal(const SignalData& data);

// Parses a payload. Extra fields (a browser's sdpMid, usernameFragment) are ignored; a missing
// sdpMLineIndex means 0 (one bundled m-line). On failure returns nullopt and, when `error` is
// given, says why. Never aborts on hostile input.
std::optional<SignalData> decode_signal(std::string_view json, std::string* error = nullptr);

std::string_view sdp_type_name(SdpType type);

}  // namespace shotcall::mesh
