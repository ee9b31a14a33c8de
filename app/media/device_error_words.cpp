#include "app/media/device_error_words.hpp"

#include "app/i18n/translate.hpp"

namespace shotcall::media {

using i18n::tr;

DeviceProblem classify_device_error(ErrorDomain domain, int code, bool was_running) {
  namespace c = gst_codes;
  if (domain == ErrorDomain::Resource) {
    switch (code) {
      case c::kResourceNotFound:
        return was_running ? DeviceProblem::Stopped : DeviceProblem::NotFound;
      case c::kResourceBusy:
        return DeviceProblem::Busy;
      case c::kResourceNotAuthorized:
        return DeviceProblem::NotAllowed;
      case c::kResourceRead:
      case c::kResourceWrite:
      case c::kResourceClose:
        return was_running ? DeviceProblem::Stopped : DeviceProblem::CannotOpen;
      default:
        break;  // open-read/-write, settings, failed, ...
    }
    return was_running ? DeviceProblem::Stopped : DeviceProblem::CannotOpen;
  }
  // A stream error before any sound flowed is a negotiation that failed: no usable format.
  if (domain == ErrorDomain::Stream && !was_running) return DeviceProblem::BadFormat;
  return was_running ? DeviceProblem::Stopped : DeviceProblem::CannotOpen;
}

std::string device_problem_words(AudioDevice device, DeviceProblem problem) {
  // Whole sentences for each device, so a translator can make every word agree: the first says
  // what failed, the second what still works (the other half of the call), the third what to do.
  if (device == AudioDevice::Microphone) {
    switch (problem) {
      case DeviceProblem::NotFound:
        return tr(
            "Shotcall can't find your microphone. You can still hear your team, but they can't "
            "hear you. Plug it in, or choose another microphone in Preferences.");
      case DeviceProblem::Busy:
        return tr(
            "Your microphone is in use by another program, so Shotcall can't open it. You can "
            "still hear your team, but they can't hear you. Close that program, or choose another "
            "microphone in Preferences.");
      case DeviceProblem::NotAllowed:
        return tr(
            "Shotcall isn't allowed to use your microphone. You can still hear your team, but "
            "they can't hear you. Allow it in your system's privacy settings, or choose another "
            "microphone in Preferences.");
      case DeviceProblem::CannotOpen:
        return tr(
            "Shotcall can't open your microphone. You can still hear your team, but they can't "
            "hear you. Check that it is plugged in and not used by another program, then choose "
            "it in Preferences.");
      case DeviceProblem::BadFormat:
        return tr(
            "Your microphone offers no sound format Shotcall can use. You can still hear your "
            "team, but they can't hear you. Choose another microphone in Preferences.");
      case DeviceProblem::Stopped:
        return tr(
            "Your microphone stopped working. You can still hear your team, but they can't hear "
            "you. Check that it is plugged in, then choose it in Preferences.");
    }
    return tr(
        "Shotcall can't use your microphone. You can still hear your team, but they can't "
        "hear you. Choose another microphone in Preferences.");
  }
  switch (problem) {
    case DeviceProblem::NotFound:
      return tr(
          "Shotcall can't find your speakers or headset. Your team can still hear you, but you "
          "can't hear them. Plug them in, or choose another output in Preferences.");
    case DeviceProblem::Busy:
      return tr(
          "Your speakers or headset are in use by another program, so Shotcall can't open them. "
          "Your team can still hear you, but you can't hear them. Close that program, or choose "
          "another output in Preferences.");
    case DeviceProblem::NotAllowed:
      return tr(
          "Shotcall isn't allowed to use your speakers or headset. Your team can still hear "
          "you, but you can't hear them. Allow it in your system's privacy settings, or choose "
          "another output in Preferences.");
    case DeviceProblem::CannotOpen:
      return tr(
          "Shotcall can't open your speakers or headset. Your team can still hear you, but you "
          "can't hear them. Check that they are plugged in and not used by another program, "
          "then choose them in Preferences.");
    case DeviceProblem::BadFormat:
      return tr(
          "Your speakers or headset offer no sound format Shotcall can use. Your team can still "
          "hear you, but you can't hear them. Choose another output in Preferences.");
    case DeviceProblem::Stopped:
      return tr(
          "Your speakers or headset stopped working. Your team can still hear you, but you "
          "can't hear them. Check that they are plugged in, then choose them in Preferences.");
  }
  return tr(
      "Shotcall can't use your speakers or headset. Your team can still hear you, but you "
      "can't hear them. Choose another output in Preferences.");
}

std::string no_audio_device_words() {
  return tr(
      "Shotcall can open neither your microphone nor your speakers, so the call cannot "
      "start. Check that they are plugged in and not used by another program, then choose "
      "them in Preferences.");
}

std::string voice_start_error_words() {
  return tr(
      "Shotcall's sound processing could not start. Choose your devices again in Preferences; "
      "if that does not help, reinstall Shotcall.");
}

std::string voice_pipeline_error_words() {
  return tr(
      "Shotcall's sound processing stopped working. Choose your devices again in Preferences "
      "to restart the call.");
}

}  // namespace shotcall::media
