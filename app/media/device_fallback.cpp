#include "app/media/device_fallback.hpp"

#include <cctype>

#include "app/i18n/translate.hpp"

namespace shotcall::media {

namespace {

// The first word of a gst-launch fragment (the element's factory name) and its device= value.
// A fragment with a '!' is a chain: it is left alone (the player wrote it by hand).
struct Parsed {
  std::string factory;
  std::string device;
  bool simple = false;
};

Parsed parse(const std::string& fragment) {
  Parsed p;
  if (fragment.find('!') != std::string::npos) return p;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < fragment.size() && std::isspace(static_cast<unsigned char>(fragment[i]))) ++i;
  };
  skip_space();
  while (i < fragment.size() && !std::isspace(static_cast<unsigned char>(fragment[i]))) {
    p.factory += fragment[i++];
  }
  p.simple = !p.factory.empty();
  while (i < fragment.size()) {
    skip_space();
    std::string key;
    while (i < fragment.size() && fragment[i] != '=' &&
           !std::isspace(static_cast<unsigned char>(fragment[i]))) {
      key += fragment[i++];
    }
    std::string value;
    if (i < fragment.size() && fragment[i] == '=') {
      ++i;
      if (i < fragment.size() && fragment[i] == '"') {
        // DeviceMonitor's quoting: "..." with \" and \\ escaped.
        ++i;
        while (i < fragment.size() && fragment[i] != '"') {
          if (fragment[i] == '\\' && i + 1 < fragment.size()) ++i;
          value += fragment[i++];
        }
        if (i < fragment.size()) ++i;
      } else {
        while (i < fragment.size() && !std::isspace(static_cast<unsigned char>(fragment[i]))) {
          value += fragment[i++];
        }
      }
    }
    if (key == "device") p.device = value;
    if (key.empty() && i < fragment.size()) ++i;  // a stray character: never loop forever
  }
  return p;
}

// Elements whose device= picks one device among the system's, and whose default (no device=)
// is the system's default device.
bool is_device_element(const std::string& factory) {
  return factory == "pulsesrc" || factory == "pulsesink" || factory == "alsasrc" ||
         factory == "alsasink" || factory == "pipewiresrc" || factory == "pipewiresink" ||
         factory == "jackaudiosrc" || factory == "jackaudiosink";
}

}  // namespace

std::string default_device_fragment(const std::string& fragment) {
  const Parsed p = parse(fragment);
  if (!p.simple || p.device.empty() || !is_device_element(p.factory)) return "";
  return p.factory;
}

bool same_device(const std::string& a, const std::string& b) {
  const Parsed pa = parse(a);
  const Parsed pb = parse(b);
  if (!pa.simple || !pb.simple) return a == b;
  return pa.factory == pb.factory && pa.device == pb.device;
}

bool device_present(const std::string& chosen, const std::vector<std::string>& present) {
  if (default_device_fragment(chosen).empty()) return true;
  for (const auto& p : present) {
    if (same_device(chosen, p)) return true;
  }
  return false;
}

std::string fragment_to_use(const DeviceState& state) {
  if (!state.chosen_failed) return state.chosen;
  if (state.default_failed) return "";
  return default_device_fragment(state.chosen);
}

DeviceState after_chosen_failed(DeviceState state) {
  state.chosen_failed = true;
  return state;
}

DeviceState after_default_failed(DeviceState state) {
  state.default_failed = true;
  return state;
}

DeviceState after_devices_changed(DeviceState state, const std::vector<std::string>& present) {
  // No list at all is a monitor that sees nothing (no sound server to ask): no news.
  if (default_device_fragment(state.chosen).empty() || present.empty()) return state;
  const bool listed = device_present(state.chosen, present);
  if (!listed) {
    // Gone from the list: a sound server moves the stream to its default by itself (PipeWire,
    // PulseAudio) without an error, so this is the only news of it.
    state.chosen_failed = true;
  } else if (state.chosen_failed) {
    state.chosen_failed = false;
    state.default_failed = false;
  }
  return state;
}

std::string using_default_words(AudioDevice device) {
  return device == AudioDevice::Microphone
             ? i18n::tr("Your microphone went away: using the default microphone.")
             : i18n::tr("Your speakers or headphones went away: using the default output.");
}

std::string chosen_back_words(AudioDevice device) {
  return device == AudioDevice::Microphone
             ? i18n::tr("Your microphone is back: Shotcall uses it again.")
             : i18n::tr("Your speakers or headphones are back: Shotcall uses them again.");
}

}  // namespace shotcall::media
