// identity-1's counters in the Prometheus text format for GET /metrics (shotcall_identity_*).
// Pure: the counters come from the pairing core, the database state from the shell.
#pragma once

#include <string>

#include "signaling/core/identity_rules.hpp"
#include "signaling/server/ops/prometheus_text.hpp"

namespace shotcall::server {

void render_identity_metrics(PrometheusText& out, const core::IdentityCounters& counters,
                             bool database_up);

}  // namespace shotcall::server
