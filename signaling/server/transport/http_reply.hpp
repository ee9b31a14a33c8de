// Small helpers the server's HTTP handlers share: plain-text replies and refusal names.
#pragma once

#include <libsoup/soup.h>

#include <string>
#include <string_view>

#include "signaling/server/transport/admission.hpp"

namespace shotcall::server {

// The label for a refused handshake, in metrics and in the reply body.
inline std::string_view refusal_reason(Admit a) {
  switch (a) {
    case Admit::ServerFull: return "server-full";
    case Admit::AddressFull: return "address-full";
    case Admit::Draining: return "shutting-down";
    case Admit::Yes: break;
  }
  return "unknown";
}

inline void set_text_response(SoupMessage* msg, guint status, const char* content_type,
                              const std::string& body) {
  soup_message_set_status(msg, status);
  soup_message_set_response(msg, content_type, SOUP_MEMORY_COPY, body.data(), body.size());
}

}  // namespace shotcall::server
