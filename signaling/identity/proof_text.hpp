// The exact bytes a client signs for identity-1 (protocol-identity.md, "Keys and proofs").
#pragma once

#include <string>
#include <string_view>

namespace shotcall::identity {

// What a proof is for; part of the signed text so a proof for one request never serves another.
enum class Purpose { Register, VerifyRiot, LinkRequest };

// "register", "verify-riot", "link-request".
std::string_view to_wire(Purpose purpose);

// "shotcall-identity-1\n<purpose>\n<host>\n<challenge>\n<key>\n<riotId>", fields copied as given
// (challenge and key in their base64url text, riotId exactly as the request carries it).
std::string proof_text(Purpose purpose, std::string_view host, std::string_view challenge,
                       std::string_view key, std::string_view riot_id);

// The `host` a client puts in its proof for the URL it dialed: host lower-cased (ASCII), an IPv6
// literal in brackets (added when missing), then ":port" unless the port is the scheme's default
// (80 for "ws", 443 for "wss"; any other scheme always gets its port).
std::string dial_host(std::string_view scheme, std::string_view host, int port);

}  // namespace shotcall::identity
