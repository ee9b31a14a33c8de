#include "app/game/lan_setup.hpp"

#include <gio/gio.h>

#include "app/i18n/translate.hpp"

namespace shotcall::game {
namespace {

using i18n::fill;
using i18n::tr;

constexpr const char* kRuleName = "Shotcall League data";

bool is_own_network(GInetAddress* address) {
  const auto* b = g_inet_address_to_bytes(address);
  if (g_inet_address_get_family(address) == G_SOCKET_FAMILY_IPV4) {
    return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) ||
           (b[0] == 169 && b[1] == 254) || b[0] == 127;
  }
  // IPv6: fc00::/7, fe80::/10, ::1. An IPv4-mapped address (::ffff:a.b.c.d) is not accepted.
  return (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) ||
         g_inet_address_get_is_loopback(address);
}

}  // namespace

bool is_own_network_address(const std::string& ip) {
  GInetAddress* address = g_inet_address_new_from_string(ip.c_str());
  if (!address) return false;
  const bool own = is_own_network(address);
  g_object_unref(address);
  return own;
}

bool valid_lan_address(const std::string& text, std::string* why) {
  auto fail = [&](std::string message) {
    if (why) *why = std::move(message);
    return false;
  };
  if (text.empty()) return fail(tr("Enter the IP address of the computer League runs on."));
  GInetAddress* address = g_inet_address_new_from_string(text.c_str());
  if (!address)
    return fail(
        // Translators: {address} is what the player typed as the game computer's address.
        fill(tr("\"{address}\" is not an IP address (for example 192.168.1.20)."),
             {{"address", text}}));
  const bool v4 = g_inet_address_get_family(address) == G_SOCKET_FAMILY_IPV4;
  const bool any = g_inet_address_get_is_any(address);
  const bool multicast = g_inet_address_get_is_multicast(address);
  const bool own = is_own_network(address);
  g_object_unref(address);
  if (!v4)
    return fail(
        tr("Windows forwards the game's port on an IPv4 address only (for example 192.168.1.20)."));
  if (any || multicast)
    return fail(fill(tr("\"{address}\" is not one computer's address."), {{"address", text}}));
  if (!own) {
    // Translators: {address} is what the player typed; ipconfig is the Windows command.
    return fail(fill(tr("\"{address}\" is not on your own network: LAN mode reads the game only "
                        "from an address on your own network (192.168.x.x, 10.x.x.x, "
                        "172.16–31.x.x). Use the address ipconfig shows on the game PC."),
                     {{"address", text}}));
  }
  return true;
}

std::string windows_portproxy_command(const std::string& lan_address) {
  return "netsh interface portproxy add v4tov4 listenaddress=" + lan_address +
         " listenport=2999 connectaddress=127.0.0.1 connectport=2999 && "
         "netsh advfirewall firewall add rule name=\"" +
         kRuleName + "\" dir=in action=allow protocol=TCP localip=" + lan_address +
         " localport=2999 remoteip=localsubnet";
}

std::string windows_portproxy_undo_command(const std::string& lan_address) {
  return "netsh interface portproxy delete v4tov4 listenaddress=" + lan_address +
         " listenport=2999 && netsh advfirewall firewall delete rule name=\"" + kRuleName + "\"";
}

}  // namespace shotcall::game
