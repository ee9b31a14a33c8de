// What a broken microphone or speaker means for the player, in a sentence with what to do about
// it. Pure: the engine classifies GStreamer's error (its domain and code, and which fragment it
// came from) into a DeviceProblem; only these words reach the window, never an element name.
// The technical detail goes to the log.
#pragma once

#include <string>

namespace shotcall::media {

enum class AudioDevice { Microphone, Speakers };

enum class DeviceProblem {
  NotFound,    // no such device (unplugged, wrong name)
  Busy,        // another program holds it
  NotAllowed,  // the system refuses access (permissions, sandbox)
  CannotOpen,  // it would not open, for any other reason
  BadFormat,   // it offers no sound format we can convert
  Stopped,     // it worked, then broke or ended during the call
};

// GStreamer's error in plain numbers, so this file needs no GStreamer header: the domain is
// told apart by the caller (resource, stream, core, library), the code is the GstResourceError /
// GstStreamError value.
enum class ErrorDomain { Resource, Stream, Core, Library, Other };

// The problem a device's error stands for. `was_running`: the device had worked in this call
// before (a read/write error then means it went away: Stopped).
DeviceProblem classify_device_error(ErrorDomain domain, int code, bool was_running);

// One or two sentences for the player: what happened, what still works in the call (a missing
// microphone still lets you hear your team; missing speakers still let them hear you), and what
// to do.
std::string device_problem_words(AudioDevice device, DeviceProblem problem);

// Neither the microphone nor the speakers work: the call cannot start.
std::string no_audio_device_words();

// The voice pipeline would not start, for a reason other than the devices (a missing plugin).
std::string voice_start_error_words();

// Something inside the voice pipeline other than the devices failed.
std::string voice_pipeline_error_words();

// GstResourceError / GstStreamError values as GStreamer 1.x defines them (stable ABI), for
// classify_device_error; tests use them too.
namespace gst_codes {
inline constexpr int kResourceFailed = 1;
inline constexpr int kResourceNotFound = 3;
inline constexpr int kResourceBusy = 4;
inline constexpr int kResourceOpenRead = 5;
inline constexpr int kResourceOpenWrite = 6;
inline constexpr int kResourceOpenReadWrite = 7;
inline constexpr int kResourceClose = 8;
inline constexpr int kResourceRead = 9;
inline constexpr int kResourceWrite = 10;
inline constexpr int kResourceSettings = 13;
inline constexpr int kResourceNotAuthorized = 15;
inline constexpr int kStreamFailed = 1;
inline constexpr int kStreamWrongType = 5;
inline constexpr int kStreamFormat = 11;
}  // namespace gst_codes

}  // namespace shotcall::media
