// describe_probe() and health_url_of(): the half of server_probe.hpp without IO or a main loop
// (GLib parses the URL; no socket, no libsoup).
#include <glib.h>

#include <algorithm>

#include "app/i18n/translate.hpp"
#include "app/net/identity_handshake.hpp"
#include "app/net/server_probe.hpp"

namespace shotcall::net {
namespace {

using i18n::fill;
using i18n::tr;

struct UrlParts {
  std::string scheme;
  std::string host;
  int port = -1;
};

std::optional<UrlParts> parse(const std::string& url) {
  GUri* uri = g_uri_parse(url.c_str(), G_URI_FLAGS_NONE, nullptr);
  if (!uri) return std::nullopt;
  UrlParts p;
  p.scheme = g_uri_get_scheme(uri) ? g_uri_get_scheme(uri) : "";
  p.host = g_uri_get_host(uri) ? g_uri_get_host(uri) : "";
  p.port = g_uri_get_port(uri);
  g_uri_unref(uri);
  if ((p.scheme != "ws" && p.scheme != "wss") || p.host.empty()) return std::nullopt;
  return p;
}

bool has(const std::vector<std::string>& list, const char* item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string policy_sentence(const std::string& policy) {
  if (policy == "none")
    return tr(
        "Identity policy \"none\": anyone may use a Riot ID no device has claimed yet; once "
        "this app has joined with its key, the seat is yours. Players show as not verified.");
  if (policy == "key")
    return tr(
        "Identity policy \"key\": the first device to join as a Riot ID keeps it. Players "
        "show as not verified.");
  if (policy == "riot")
    return tr(
        "Identity policy \"riot\": only the owner of a Riot account (or a device they "
        "linked) can take its seat; you verify your Riot ID once, by setting a profile icon.");
  // Translators: {policy} is the server's policy name as it sends it (a protocol word).
  return fill(tr("Identity policy \"{policy}\": unknown to this version of Shotcall."),
              {{"policy", policy}});
}

}  // namespace

std::string ProbeReport::text() const {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) out += "\n";
    out += line;
  }
  return out;
}

std::string health_url_of(const std::string& server_url) {
  const auto p = parse(server_url);
  if (!p) return "";
  const bool v6 = p->host.find(':') != std::string::npos;
  std::string url = (p->scheme == "wss" ? "https://" : "http://");
  url += v6 ? "[" + p->host + "]" : p->host;
  if (p->port > 0) url += ":" + std::to_string(p->port);
  return url + "/healthz";
}

ProbeReport describe_probe(const ProbeFindings& f) {
  ProbeReport r;
  auto say = [&](std::string line) { r.lines.push_back(std::move(line)); };
  const auto parts = parse(f.url);
  const std::string& url = f.url;

  switch (f.reach) {
    case ProbeReach::BadAddress:
      // Translators: {url} is the address the player typed.
      say(fill(tr("\"{url}\" is not a server address."), {{"url", url}}));
      say(tr("Enter it as ws://HOST:PORT/ws, or wss://HOST/ws for a server with a certificate."));
      return r;
    case ProbeReach::Unreachable:
      if (f.detail.empty()) {
        say(fill(tr("Could not reach {url}."), {{"url", url}}));
      } else {
        // Translators: {detail} is the network's reason, e.g. "Connection refused".
        say(fill(tr("Could not reach {url} ({detail})."), {{"url", url}, {"detail", f.detail}}));
      }
      say(
          tr("Check the address and port, that the server is running, and that no firewall "
             "blocks it."));
      return r;
    case ProbeReach::TlsRefused:
      if (f.detail.empty()) {
        say(fill(tr("The server at {url} answered, but this computer does not trust its "
                    "certificate."),
                 {{"url", url}}));
      } else {
        // Translators: {detail} says what is wrong with the certificate.
        say(fill(tr("The server at {url} answered, but this computer does not trust its "
                    "certificate ({detail})."),
                 {{"url", url}, {"detail", f.detail}}));
      }
      say(tr("Use the name its certificate was issued for, or ask its operator to renew it."));
      return r;
    case ProbeReach::NotShotcall:
      if (f.http_status) {
        // Translators: {status} is an HTTP status number, e.g. 404.
        say(fill(tr("Something answers at {url}, but it is not a Shotcall server (HTTP {status})."),
                 {{"url", url}, {"status", std::to_string(f.http_status)}}));
      } else if (!f.detail.empty()) {
        // Translators: {detail} says what answered instead.
        say(fill(tr("Something answers at {url}, but it is not a Shotcall server ({detail})."),
                 {{"url", url}, {"detail", f.detail}}));
      } else {
        say(fill(tr("Something answers at {url}, but it is not a Shotcall server."),
                 {{"url", url}}));
      }
      say(
          tr("Check the address: a Shotcall server answers on the path /ws, for example "
             "ws://HOST:7800/ws."));
      return r;
    case ProbeReach::ShotcallV1:
    case ProbeReach::Shotcall:
      break;
  }

  if (f.health_status == 503) {
    say(fill(tr("Reached the Shotcall server at {url}, but it is shutting down."), {{"url", url}}));
    say(tr("Try again in a minute."));
    return r;
  }
  say(fill(tr("Reached the Shotcall server at {url}."), {{"url", url}}));
  r.usable = true;
  if (f.health_status == 200 && f.health_body.rfind("degraded", 0) == 0) {
    // Translators: {health} is the server's own status line, in English, e.g. "degraded: …".
    say(fill(tr("It reports a problem ({health}): calls may fail until its operator fixes it."),
             {{"health", f.health_body}}));
  }

  if (f.reach == ProbeReach::ShotcallV1 || !f.hello || !has(f.hello->features, "identity-1")) {
    say(
        tr("It is an older server without identity checks: a Riot ID's seat is not protected, "
           "and it cannot verify Riot IDs."));
    say(
        tr("Whether it watches your games shows once you join: that needs a Riot API key on the "
           "server."));
    return r;
  }
  const auto& hello = *f.hello;
  say(policy_sentence(hello.policy));
  const bool verify = has(hello.features, "riot-verify");
  if (verify) {
    say(
        tr("It can verify your Riot ID with Riot, and it has a Riot API key, so it can also watch "
           "your games."));
  } else {
    say(
        tr("It cannot verify Riot IDs with Riot. Whether it watches your games shows once you "
           "join: that needs a Riot API key on the server."));
  }
  if (hello.policy == "key" && parts && !key_proofs_allowed(f.url)) {
    r.usable = false;
    say(
        tr("It admits only devices with a key, and this app sends its key only over wss:// or to "
           "this computer: use the server's wss:// address."));
  } else if (hello.policy == "riot" && !verify) {
    say(
        tr("It asks for verified Riot IDs but cannot verify any now: ask its operator, or link "
           "this device from one already verified."));
  }
  return r;
}

}  // namespace shotcall::net
