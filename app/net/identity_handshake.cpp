#include "app/net/identity_handshake.hpp"

#include <gio/gio.h>

#include <algorithm>

#include "app/i18n/translate.hpp"
#include "signaling/identity/sign_proof.hpp"

namespace shotcall::net {
namespace {

using protocol::ErrorCode;

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']')
    bare = bare.substr(1, bare.size() - 2);
  GInetAddress* address = g_inet_address_new_from_string(bare.c_str());
  if (!address) return false;
  const bool loopback = g_inet_address_get_is_loopback(address);
  g_object_unref(address);
  return loopback;
}

protocol::Proof to_proof(const identity::SignedProof& s) { return {s.key, s.proof, s.host}; }

}  // namespace

bool key_proofs_allowed(const std::string& server_url) {
  GUri* uri = g_uri_parse(server_url.c_str(), G_URI_FLAGS_NONE, nullptr);
  if (!uri) return false;
  const std::string scheme = g_uri_get_scheme(uri) ? g_uri_get_scheme(uri) : "";
  const std::string host = g_uri_get_host(uri) ? g_uri_get_host(uri) : "";
  g_uri_unref(uri);
  return scheme == "wss" || is_loopback(host);
}

IdentityHandshake::IdentityHandshake(HandshakeOptions options) : options_(std::move(options)) {
  GUri* uri = g_uri_parse(options_.url.c_str(), G_URI_FLAGS_NONE, nullptr);
  if (!uri) return;
  const std::string scheme = g_uri_get_scheme(uri) ? g_uri_get_scheme(uri) : "";
  const std::string host = g_uri_get_host(uri) ? g_uri_get_host(uri) : "";
  const int port = g_uri_get_port(uri);
  g_uri_unref(uri);
  const bool secure = scheme == "wss";
  host_ = identity::dial_host(secure ? "wss" : "ws", host, port > 0 ? port : (secure ? 443 : 80));
  proofs_allowed_ = options_.key && key_proofs_allowed(options_.url);
}

protocol::ClientMessage IdentityHandshake::start() {
  awaiting_link_ = false;
  hello_.reset();
  // hello costs one round trip and tells us the server's policy: always ask (a v1 server
  // answers unknown-type, and we register as v1).
  return {std::string{"hello"}, protocol::Hello{}};
}

protocol::ClientMessage IdentityHandshake::register_message(
    const std::optional<std::string>& challenge) const {
  protocol::RegisterUser reg{options_.riot_id, options_.puuid, options_.token, std::nullopt};
  if (challenge && proofs_allowed_)
    reg.proof = to_proof(identity::sign_proof(*options_.key, identity::Purpose::Register, host_,
                                              *challenge, options_.riot_id));
  return {std::string{"register"}, std::move(reg)};
}

IdentityHandshake::Step IdentityHandshake::on_message(const protocol::ServerMessage& message) {
  Step step;
  if (const auto* hello = std::get_if<protocol::HelloReply>(&message.body)) {
    hello_ = *hello;
    const bool identity = std::find(hello->features.begin(), hello->features.end(), "identity-1") !=
                          hello->features.end();
    if (identity && hello->policy == "key" && !proofs_allowed_) {
      // Translators: a server's refusal, shown after "The server turned you away"; no full stop.
      step.refusal = options_.key ? i18n::tr(
                                        "this server admits only devices with a key, and keys "
                                        "are sent only over wss:// or to this computer: use "
                                        "the server's wss:// address")
                                  : i18n::tr(
                                        "this server admits only devices with a key: this "
                                        "client runs without one");
    } else if (!identity) {
      step.send.push_back(register_message(std::nullopt));
    } else if (options_.link_first && !linked_ && proofs_allowed_) {
      awaiting_link_ = true;
      step.send.push_back({std::string{"link"},
                           protocol::LinkRequest{options_.riot_id,
                                                 to_proof(identity::sign_proof(
                                                     *options_.key, identity::Purpose::LinkRequest,
                                                     host_, hello->challenge, options_.riot_id))}});
    } else {
      step.send.push_back(register_message(hello->challenge));
    }
    return step;
  }
  if (const auto* approved = std::get_if<protocol::LinkApproved>(&message.body);
      approved && awaiting_link_) {
    awaiting_link_ = false;
    linked_ = true;
    step.send.push_back(start());  // a fresh challenge for the registration
    return step;
  }
  const auto* error = std::get_if<protocol::Error>(&message.body);
  if (!error) return step;
  if (error->re == "hello" && error->code == ErrorCode::UnknownType) {
    step.send.push_back(register_message(std::nullopt));  // a v1 server
    return step;
  }
  if (error->re != "register-user" && error->re != "link-request") return step;
  switch (error->code) {
    case ErrorCode::Unavailable:
      step.retry_later = true;
      break;
    case ErrorCode::RiotIdBound:
      // Translators: {reason} is the server's own sentence (in English, without its full stop).
      step.refusal = options_.key ? i18n::fill(i18n::tr("{reason}. Link this device from one "
                                                        "already bound (shotcall-peer --link, or "
                                                        "the app's Devices page)."),
                                               {{"reason", error->message}})
                                  : error->message;
      break;
    case ErrorCode::ProofRequired:
    case ErrorCode::BadProof:
    case ErrorCode::Unauthorized:
    case ErrorCode::RateLimited:
      step.refusal = error->message;
      break;
    default:
      break;
  }
  return step;
}

}  // namespace shotcall::net
