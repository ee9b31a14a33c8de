#include "signaling/server/ops/identity_metrics.hpp"

#include <cstdint>

namespace shotcall::server {
namespace {

void counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  out += std::string{"# HELP "} + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
         " " + std::to_string(value) + "\n";
}

}  // namespace

std::string render_identity_metrics(const core::IdentityCounters& c, bool database_up) {
  std::string out;
  out += "# HELP shotcall_identity_proofs_total Identity proofs checked, by result (ok or why "
         "refused).\n# TYPE shotcall_identity_proofs_total counter\n";
  out += "shotcall_identity_proofs_total{result=\"ok\"} " + std::to_string(c.proofs_accepted) + "\n";
  for (const auto& [reason, n] : c.proofs_refused)  // reasons: core::metric_reason, a fixed set
    out += "shotcall_identity_proofs_total{result=\"" + reason + "\"} " + std::to_string(n) + "\n";
  counter(out, "shotcall_identity_bindings_created_total",
          "Riot IDs bound to their first key.", c.bindings_created);
  counter(out, "shotcall_identity_links_approved_total", "Devices linked to a bound Riot ID.",
          c.links_approved);
  counter(out, "shotcall_identity_devices_unlinked_total", "Device keys unlinked.",
          c.devices_unlinked);
  counter(out, "shotcall_identity_replaced_total",
          "Connections closed with 4001 (a proven session took their seat, or their key was "
          "unlinked).",
          c.replaced);
  counter(out, "shotcall_identity_store_errors_total",
          "Requests answered `unavailable` or degraded because the identity database failed.",
          c.store_unavailable);
  out += "# HELP shotcall_identity_verifications_total Riot verifications, by outcome.\n"
         "# TYPE shotcall_identity_verifications_total counter\n";
  out += "shotcall_identity_verifications_total{outcome=\"started\"} " +
         std::to_string(c.verifications_started) + "\n";
  out += "shotcall_identity_verifications_total{outcome=\"succeeded\"} " +
         std::to_string(c.verifications_succeeded) + "\n";
  out += "shotcall_identity_verifications_total{outcome=\"failed\"} " +
         std::to_string(c.verifications_failed) + "\n";
  out += "# HELP shotcall_identity_database_up Whether the identity database answered when last "
         "asked.\n# TYPE shotcall_identity_database_up gauge\nshotcall_identity_database_up " +
         std::string{database_up ? "1" : "0"} + "\n";
  return out;
}

}  // namespace shotcall::server
