// shotcall-peer's JSON report: each teammate's route, candidate types and failure words under the
// names other tests (tests/nat) read.
#include "app/cli/peer_report.hpp"

#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

namespace shotcall::cli {
namespace {

// The first teammate entry of a report, parsed back.
class Parsed {
 public:
  explicit Parsed(const std::string& json) : parser_(json_parser_new()) {
    GError* error = nullptr;
    if (!json_parser_load_from_data(parser_, json.c_str(), -1, &error)) {
      ADD_FAILURE() << (error ? error->message : "unparsable") << "\n" << json;
      g_clear_error(&error);
      return;
    }
    JsonObject* top = json_node_get_object(json_parser_get_root(parser_));
    entry_ = json_array_get_object_element(json_object_get_array_member(top, "peers"), 0);
  }
  ~Parsed() { g_object_unref(parser_); }
  bool has(const char* name) const { return entry_ && json_object_has_member(entry_, name); }
  bool is_null(const char* name) const {
    return has(name) && JSON_NODE_HOLDS_NULL(json_object_get_member(entry_, name));
  }
  std::string text(const char* name) const {
    return has(name) && !is_null(name) ? json_object_get_string_member(entry_, name) : "";
  }

 private:
  JsonParser* parser_;
  JsonObject* entry_ = nullptr;
};

PeerReport one(PeerReportEntry entry) {
  PeerReport r;
  r.riot_id = "Me#EUW";
  r.peers.push_back(std::move(entry));
  return r;
}

TEST(PeerReport, ConnectedLinkNamesItsRouteAndCandidates) {
  PeerReportEntry e;
  e.riot_id = "Ana#EUW";
  e.state = "connected";
  e.route = "relayed";
  e.local_candidate = "host";
  e.remote_candidate = "relay";
  Parsed p(to_json(one(e)));
  EXPECT_EQ(p.text("route"), "relayed");
  EXPECT_EQ(p.text("localCandidate"), "host");
  EXPECT_EQ(p.text("remoteCandidate"), "relay");
  EXPECT_FALSE(p.has("failure"));
}

TEST(PeerReport, FailedLinkCarriesItsWords) {
  PeerReportEntry e;
  e.riot_id = "Ana#EUW";
  e.state = "failed";
  e.failure =
      "Can't reach Ana#EUW: no direct path between your networks, and this server "
      "offers no relay (TURN). Ask the server's admin to add one.";
  Parsed p(to_json(one(e)));
  EXPECT_EQ(p.text("route"), "unknown");
  EXPECT_TRUE(p.is_null("localCandidate"));
  EXPECT_TRUE(p.is_null("remoteCandidate"));
  EXPECT_EQ(p.text("failure"), *e.failure);
}

}  // namespace
}  // namespace shotcall::cli
