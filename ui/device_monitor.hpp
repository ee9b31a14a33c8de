// The microphones and outputs GStreamer sees (GstDeviceMonitor: Audio/Source, Audio/Sink), kept
// current as devices come and go. Each device is offered as the gst-launch fragment that opens
// it, which is what VoiceConfig's source and sink take. Bus messages arrive through a watch on
// the main loop, so the callback runs there.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shotcall::ui {

struct AudioDevice {
  std::string name;      // for a person: "Built-in Audio Analog Stereo"
  std::string fragment;  // "pulsesrc device=alsa_input.pci-0000_00_1f.3.analog-stereo"
  bool is_input = false;
};

class DeviceMonitor {
 public:
  DeviceMonitor();
  ~DeviceMonitor();
  DeviceMonitor(const DeviceMonitor&) = delete;
  DeviceMonitor& operator=(const DeviceMonitor&) = delete;

  // Starts watching; `on_changed` runs on the main loop after every hot-plug.
  void start(std::function<void()> on_changed);
  std::vector<AudioDevice> inputs() const;
  std::vector<AudioDevice> outputs() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotcall::ui
