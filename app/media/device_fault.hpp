// A device fragment's ERROR message read as a fault: the GStreamer side of
// device_error_words.hpp, which classifies the error without GStreamer headers.
#pragma once

#include <gst/gst.h>

#include <string>

#include "app/media/device_error_words.hpp"

namespace shotcall::media {

// A device fragment that failed: what it means for the player, and GStreamer's own words (element
// and message) for the log only.
struct DeviceFault {
  DeviceProblem problem = DeviceProblem::CannotOpen;
  std::string detail;
};

// An ERROR message from a device fragment as a fault. `was_running`: sound had flowed from it.
DeviceFault device_fault_from(GstMessage* message, bool was_running);

}  // namespace shotcall::media
