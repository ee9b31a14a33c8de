#include "signaling/server/ops/identity_metrics.hpp"

namespace shotcall::server {
namespace {

void counter(PrometheusText& out, const char* name, const char* help, std::uint64_t value) {
  out.family(name, help, MetricType::counter);
  out.sample(value);
}

}  // namespace

void render_identity_metrics(PrometheusText& out, const core::IdentityCounters& c,
                             bool database_up) {
  out.family("shotcall_identity_proofs_total",
             "Identity proofs checked, by result (ok or why refused).", MetricType::counter);
  out.sample({{"result", "ok"}}, c.proofs_accepted);
  for (const auto& [reason, n] : c.proofs_refused)  // reasons: core::metric_reason, a fixed set
    out.sample({{"result", reason}}, n);
  counter(out, "shotcall_identity_bindings_created_total", "Riot IDs bound to their first key.",
          c.bindings_created);
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
  out.family("shotcall_identity_verifications_total", "Riot verifications, by outcome.",
             MetricType::counter);
  out.sample({{"outcome", "started"}}, c.verifications_started);
  out.sample({{"outcome", "succeeded"}}, c.verifications_succeeded);
  out.sample({{"outcome", "failed"}}, c.verifications_failed);
  out.family("shotcall_identity_database_up",
             "Whether the identity database answered when last asked.", MetricType::gauge);
  out.sample(database_up ? 1 : 0);
}

}  // namespace shotcall::server
