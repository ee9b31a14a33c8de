#include "app/media/device_error_words.hpp"

namespace shotcall::media {

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
  const bool mic = device == AudioDevice::Microphone;
  // What still works: the other half of the call.
  const std::string still = mic ? "You can still hear your team, but they can't hear you."
                                : "Your team can still hear you, but you can't hear them.";
  const std::string it = mic ? "your microphone" : "your speakers or headset";
  const std::string It = mic ? "Your microphone" : "Your speakers or headset";
  const std::string them = mic ? "it" : "them";  // object
  const std::string they = mic ? "it" : "they";  // subject
  const std::string is = mic ? "is" : "are";
  const std::string another = mic ? "another microphone" : "another output";
  switch (problem) {
    case DeviceProblem::NotFound:
      return "Shotcall can't find " + it + ". " + still + " Plug " + them + " in, or choose " +
             another + " in Preferences.";
    case DeviceProblem::Busy:
      return It + " " + is + " in use by another program, so Shotcall can't open " + them + ". " +
             still + " Close that program, or choose " + another + " in Preferences.";
    case DeviceProblem::NotAllowed:
      return "Shotcall isn't allowed to use " + it + ". " + still +
             " Allow it in your system's privacy settings, or choose " + another +
             " in Preferences.";
    case DeviceProblem::CannotOpen:
      return "Shotcall can't open " + it + ". " + still + " Check that " + they + " " + is +
             " plugged in and not used by another program, then choose " + them +
             " in Preferences.";
    case DeviceProblem::BadFormat:
      return It + " offer" + (mic ? "s" : "") + " no sound format Shotcall can use. " + still +
             " Choose " + another + " in Preferences.";
    case DeviceProblem::Stopped:
      return It + " stopped working. " + still + " Check that " + they + " " + is +
             " plugged in, then choose " + them + " in Preferences.";
  }
  return "Shotcall can't use " + it + ". " + still + " Choose " + another + " in Preferences.";
}

std::string no_audio_device_words() {
  return "Shotcall can open neither your microphone nor your speakers, so the call cannot "
         "start. Check that they are plugged in and not used by another program, then choose "
         "them in Preferences.";
}

std::string voice_start_error_words() {
  return "Shotcall's sound processing could not start. Choose your devices again in Preferences; "
         "if that does not help, reinstall Shotcall.";
}

std::string voice_pipeline_error_words() {
  return "Shotcall's sound processing stopped working. Choose your devices again in Preferences "
         "to restart the call.";
}

}  // namespace shotcall::media
