// White-box access to an engine's pipeline for measurement tools and tests (not for the app).
#pragma once

#include <gst/gst.h>

#include "app/media/engine_impl.hpp"

namespace shotcall::media {

struct EngineInternals {
  static GstElement* pipeline(VoiceEngine& engine) { return engine.impl_->pipeline(); }
};

}  // namespace shotcall::media
