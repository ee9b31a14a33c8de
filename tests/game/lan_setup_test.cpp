// LAN mode's setup words: the address check and the exact Windows command the app shows.
#include "app/game/lan_setup.hpp"

#include <gtest/gtest.h>

namespace shotcall::game {
namespace {

TEST(LanSetup, PortproxyCommand) {
  EXPECT_EQ(windows_portproxy_command("192.168.1.20"),
            "netsh interface portproxy add v4tov4 listenaddress=192.168.1.20 listenport=2999 "
            "connectaddress=127.0.0.1 connectport=2999 && netsh advfirewall firewall add rule "
            "name=\"Shotcall League data\" dir=in action=allow protocol=TCP localip=192.168.1.20 "
            "localport=2999 remoteip=localsubnet");
  EXPECT_EQ(windows_portproxy_undo_command("192.168.1.20"),
            "netsh interface portproxy delete v4tov4 listenaddress=192.168.1.20 listenport=2999 && "
            "netsh advfirewall firewall delete rule name=\"Shotcall League data\"");
}

TEST(LanSetup, AddressCheck) {
  std::string why;
  EXPECT_TRUE(valid_lan_address("192.168.1.20", &why));
  EXPECT_FALSE(valid_lan_address("", &why));
  EXPECT_EQ(why, "Enter the IP address of the computer League runs on.");
  EXPECT_FALSE(valid_lan_address("gamepc", &why));
  EXPECT_EQ(why, "\"gamepc\" is not an IP address (for example 192.168.1.20).");
  EXPECT_FALSE(valid_lan_address("fd00::5", &why));
  EXPECT_EQ(why,
            "Windows forwards the game's port on an IPv4 address only (for example 192.168.1.20).");
  EXPECT_FALSE(valid_lan_address("0.0.0.0", &why));
  EXPECT_EQ(why, "\"0.0.0.0\" is not one computer's address.");
}

// The game's certificate is the same on every install: LAN mode trusts it only on the player's
// own network, so an address the internet routes to is refused with the reason.
TEST(LanSetup, AddressMustBeOnTheOwnNetwork) {
  std::string why;
  for (const char* own :
       {"10.0.0.5", "172.16.0.1", "172.31.255.254", "192.168.1.20", "169.254.3.4", "127.0.0.2"}) {
    why.clear();
    EXPECT_TRUE(valid_lan_address(own, &why)) << own << ": " << why;
  }
  EXPECT_FALSE(valid_lan_address("8.8.8.8", &why));
  EXPECT_EQ(why,
            "\"8.8.8.8\" is not on your own network: LAN mode reads the game only from an "
            "address on your own network (192.168.x.x, 10.x.x.x, 172.16–31.x.x). Use the "
            "address ipconfig shows on the game PC.");
  for (const char* routable : {"172.32.0.1", "172.15.255.255", "100.64.0.1", "192.0.2.7",
                               "193.168.1.20", "11.0.0.1", "255.255.255.255"}) {
    EXPECT_FALSE(valid_lan_address(routable, &why)) << routable;
  }
}

TEST(LanSetup, OwnNetworkAddresses) {
  for (const char* own : {"10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255",
                          "192.168.0.0", "192.168.255.255", "169.254.0.1", "127.0.0.1", "fc00::1",
                          "fdff:ffff::1", "fe80::1", "febf::1", "::1"}) {
    EXPECT_TRUE(is_own_network_address(own)) << own;
  }
  for (const char* routable : {"9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
                               "192.167.255.255", "192.169.0.0", "169.253.0.1", "169.255.0.1",
                               "128.0.0.1", "8.8.8.8", "0.0.0.0", "2001:db8::1", "fec0::1",
                               "fe7f::1", "ff02::1", "::", "::ffff:192.168.1.20", "gamepc", ""}) {
    EXPECT_FALSE(is_own_network_address(routable)) << routable;
  }
}

}  // namespace
}  // namespace shotcall::game
