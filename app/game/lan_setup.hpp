// LAN mode's setup, in words and commands: League runs on a Windows PC of the player's network,
// whose Live Client Data API listens only on that PC's 127.0.0.1:2999. Windows' own port proxy
// makes it reachable on the PC's LAN address; its firewall must let the connection in. No IO and
// no main loop: GIO only parses addresses here.
#pragma once

#include <string>

namespace shotcall::game {

// Whether `ip` is an address of the player's own network, the only place LAN mode's trust
// exception may apply: IPv4 private (10/8, 172.16/12, 192.168/16), link-local (169.254/16) or
// loopback (127/8); IPv6 unique-local (fc00::/7), link-local (fe80::/10) or ::1. The game serves
// the same certificate, with the same private key, on every install, so that key is effectively
// public: accepting its certificate on a routable address would let anyone on the internet pose
// as the game. False for anything else, host names included.
bool is_own_network_address(const std::string& ip);

// Whether `text` is an IPv4 address of the player's own network Shotcall can reach the game PC at
// (netsh's v4tov4 proxy is IPv4). False with *why in words otherwise.
bool valid_lan_address(const std::string& text, std::string* why);

// The one line to paste into an administrator Command Prompt on the game PC: the port proxy from
// <lan_address>:2999 to 127.0.0.1:2999, then a firewall rule letting the local network in.
std::string windows_portproxy_command(const std::string& lan_address);

// The line that undoes it.
std::string windows_portproxy_undo_command(const std::string& lan_address);

}  // namespace shotcall::game
