// Reads webrtcbin's get-stats reply into PeerStats. Runs on whatever thread answers the
// promise; touches nothing but its arguments.
#pragma once

#include <gst/gst.h>

#include "app/media/voice_engine.hpp"

namespace shotcall::media {

// Fills everything but peer_id from a get-stats reply structure.
PeerStats read_webrtc_stats(const GstStructure* reply);

}  // namespace shotcall::media
