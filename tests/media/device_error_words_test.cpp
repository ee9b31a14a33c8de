// Device errors in words: every problem reads as a sentence with an action, says what still
// works, and never names a GStreamer element.
#include "app/media/device_error_words.hpp"

#include <gtest/gtest.h>

namespace shotcall::media {
namespace {

namespace c = gst_codes;

TEST(DeviceErrorWords, ResourceCodesMapToProblems) {
  EXPECT_EQ(classify_device_error(ErrorDomain::Resource, c::kResourceNotFound, false),
            DeviceProblem::NotFound);
  EXPECT_EQ(classify_device_error(ErrorDomain::Resource, c::kResourceBusy, false),
            DeviceProblem::Busy);
  EXPECT_EQ(classify_device_error(ErrorDomain::Resource, c::kResourceBusy, true),
            DeviceProblem::Busy);
  EXPECT_EQ(classify_device_error(ErrorDomain::Resource, c::kResourceNotAuthorized, false),
            DeviceProblem::NotAllowed);
  for (int code : {c::kResourceOpenRead, c::kResourceOpenWrite, c::kResourceOpenReadWrite,
                   c::kResourceFailed, c::kResourceSettings, c::kResourceRead}) {
    EXPECT_EQ(classify_device_error(ErrorDomain::Resource, code, false), DeviceProblem::CannotOpen)
        << code;
  }
  // Once sound flowed, a read or write error (or the device vanishing) means it stopped.
  for (int code :
       {c::kResourceRead, c::kResourceWrite, c::kResourceNotFound, c::kResourceOpenRead}) {
    EXPECT_EQ(classify_device_error(ErrorDomain::Resource, code, true), DeviceProblem::Stopped)
        << code;
  }
}

TEST(DeviceErrorWords, StreamErrorsBeforeSoundAreFormats) {
  EXPECT_EQ(classify_device_error(ErrorDomain::Stream, c::kStreamFormat, false),
            DeviceProblem::BadFormat);
  EXPECT_EQ(classify_device_error(ErrorDomain::Stream, c::kStreamFailed, false),
            DeviceProblem::BadFormat);
  EXPECT_EQ(classify_device_error(ErrorDomain::Stream, c::kStreamFailed, true),
            DeviceProblem::Stopped);
  EXPECT_EQ(classify_device_error(ErrorDomain::Core, 1, false), DeviceProblem::CannotOpen);
  EXPECT_EQ(classify_device_error(ErrorDomain::Other, 99, true), DeviceProblem::Stopped);
}

TEST(DeviceErrorWords, TheReportedMicrophoneReadsAsASentenceWithAnAction) {
  EXPECT_EQ(device_problem_words(AudioDevice::Microphone, DeviceProblem::CannotOpen),
            "Shotcall can't open your microphone. You can still hear your team, but they can't "
            "hear you. Check that it is plugged in and not used by another program, then choose "
            "it in Preferences.");
  EXPECT_EQ(device_problem_words(AudioDevice::Speakers, DeviceProblem::Busy),
            "Your speakers or headset are in use by another program, so Shotcall can't open "
            "them. Your team can still hear you, but you can't hear them. Close that program, "
            "or choose another output in Preferences.");
}

TEST(DeviceErrorWords, EveryProblemSaysWhatWorksAndWhatToDo) {
  for (auto device : {AudioDevice::Microphone, AudioDevice::Speakers}) {
    for (auto problem :
         {DeviceProblem::NotFound, DeviceProblem::Busy, DeviceProblem::NotAllowed,
          DeviceProblem::CannotOpen, DeviceProblem::BadFormat, DeviceProblem::Stopped}) {
      const std::string w = device_problem_words(device, problem);
      SCOPED_TRACE(w);
      EXPECT_NE(w.find(device == AudioDevice::Microphone ? "microphone" : "speakers"),
                std::string::npos);
      EXPECT_NE(w.find(device == AudioDevice::Microphone ? "You can still hear your team"
                                                         : "Your team can still hear you"),
                std::string::npos);
      EXPECT_NE(w.find("Preferences."), std::string::npos);
      EXPECT_EQ(w.back(), '.');
      EXPECT_EQ(w.find("them are"), std::string::npos);
      EXPECT_EQ(w.find("it are"), std::string::npos);
      for (const char* technical : {"src", "sink", "GStreamer", "element", "device "}) {
        EXPECT_EQ(w.find(technical), std::string::npos) << technical;
      }
    }
  }
  for (const std::string& w :
       {no_audio_device_words(), voice_start_error_words(), voice_pipeline_error_words()}) {
    EXPECT_NE(w.find("Preferences"), std::string::npos) << w;
    EXPECT_EQ(w.back(), '.') << w;
  }
  EXPECT_NE(no_audio_device_words().find("microphone"), std::string::npos);
  EXPECT_NE(no_audio_device_words().find("speakers"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::media
