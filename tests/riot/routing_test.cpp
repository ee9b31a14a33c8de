// Platform -> host routing and request paths.
#include <gtest/gtest.h>

#include "signaling/riot/routing.hpp"

namespace shotcall::riot {
namespace {

TEST(RiotRouting, EveryPlatformMapsToItsRegion) {
  struct Case {
    const char* platform;
    Region region;
    Region account;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"na1", Region::Americas, Region::Americas}, {"br1", Region::Americas, Region::Americas},
           {"la1", Region::Americas, Region::Americas}, {"la2", Region::Americas, Region::Americas},
           {"euw1", Region::Europe, Region::Europe},    {"eun1", Region::Europe, Region::Europe},
           {"tr1", Region::Europe, Region::Europe},     {"ru", Region::Europe, Region::Europe},
           {"me1", Region::Europe, Region::Europe},     {"kr", Region::Asia, Region::Asia},
           {"jp1", Region::Asia, Region::Asia},         {"oc1", Region::Sea, Region::Asia},
           {"ph2", Region::Sea, Region::Asia},          {"sg2", Region::Sea, Region::Asia},
           {"th2", Region::Sea, Region::Asia},          {"tw2", Region::Sea, Region::Asia},
           {"vn2", Region::Sea, Region::Asia}}) {
    EXPECT_EQ(region_for_platform(c.platform), c.region) << c.platform;
    const auto hosts = resolve_hosts(c.platform);
    ASSERT_TRUE(hosts.ok()) << c.platform;
    EXPECT_EQ(hosts.hosts->account_region, c.account) << c.platform;
    EXPECT_EQ(hosts.hosts->platform_base,
              "https://" + std::string(c.platform) + ".api.riotgames.com");
    EXPECT_EQ(hosts.hosts->regional_base,
              "https://" + std::string(region_name(c.region)) + ".api.riotgames.com");
  }
}

TEST(RiotRouting, HostsForEuw) {
  const auto r = resolve_hosts("EUW1");  // spectator answers spell it in capitals
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.hosts->platform, "euw1");
  EXPECT_EQ(r.hosts->platform_base, "https://euw1.api.riotgames.com");
  EXPECT_EQ(r.hosts->account_base, "https://europe.api.riotgames.com");
}

TEST(RiotRouting, SeaPlatformsUseTheAsiaAccountCluster) {
  const auto r = resolve_hosts("oc1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.hosts->regional_base, "https://sea.api.riotgames.com");
  EXPECT_EQ(r.hosts->account_base, "https://asia.api.riotgames.com");
}

TEST(RiotRouting, UnknownPlatformIsAnError) {
  for (const char* p : {"", "euw", "euw2", "na", "pbe1", "euw1 ", "europe"}) {
    const auto r = resolve_hosts(p);
    EXPECT_FALSE(r.ok()) << p;
    EXPECT_NE(r.error.find("unknown Riot platform"), std::string::npos) << r.error;
  }
  EXPECT_FALSE(resolve_hosts("nope", "http://127.0.0.1:1").ok());
}

TEST(RiotRouting, BaseOverrideReplacesEveryHost) {
  const auto r = resolve_hosts("kr", "http://127.0.0.1:8123/");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.hosts->platform_base, "http://127.0.0.1:8123");
  EXPECT_EQ(r.hosts->regional_base, "http://127.0.0.1:8123");
  EXPECT_EQ(r.hosts->account_base, "http://127.0.0.1:8123");
  EXPECT_EQ(r.hosts->region, Region::Asia);
  for (const char* bad : {"127.0.0.1:8123", "ftp://x", "http://", "http:///x", "https://:80"}) {
    EXPECT_FALSE(resolve_hosts("kr", bad).ok()) << bad;
  }
}

TEST(RiotPaths, EscapeEveryRiotIdCharacterThatIsNotUnreserved) {
  EXPECT_EQ(account_by_riot_id_path("Ahri Main", "EUW"),
            "/riot/account/v1/accounts/by-riot-id/Ahri%20Main/EUW");
  EXPECT_EQ(account_by_riot_id_path("Tïlda", "KR1"),
            "/riot/account/v1/accounts/by-riot-id/T%C3%AFlda/KR1");
  EXPECT_EQ(account_by_riot_id_path("세나", "KR1"),
            "/riot/account/v1/accounts/by-riot-id/%EC%84%B8%EB%82%98/KR1");
  EXPECT_EQ(escape_path_segment("a/b?c#d%e"), "a%2Fb%3Fc%23d%25e");
  EXPECT_EQ(escape_path_segment(std::string("a\0b", 3)), "a%00b");
  EXPECT_EQ(escape_path_segment("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(active_game_path("abc-DEF_123"), "/lol/spectator/v5/active-games/by-summoner/abc-DEF_123");
  EXPECT_EQ(account_by_puuid_path("x y"), "/riot/account/v1/accounts/by-puuid/x%20y");
}

}  // namespace
}  // namespace shotcall::riot
