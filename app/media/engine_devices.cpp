// The microphone and speaker fragments failing: the engine swaps in a stand-in (live silence,
// a synchronised fakesink; voice_pipeline.cpp) and keeps the call, then tells the player in words.
// Main context only.
#include "app/media/engine_impl.hpp"

namespace shotcall::media {

bool VoiceEngine::Impl::on_device_message(GstMessage* message) {
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ELEMENT) {
    const GstStructure* s = gst_message_get_structure(message);
    if (!s || !gst_structure_has_name(s, VoicePipeline::kMicrophoneEnded)) return false;
    // A source that ran out, or a device whose driver ended the stream.
    // (After an error, the fragment's own EOS follows: replaced already, nothing to say.)
    DeviceFault fault{DeviceProblem::Stopped, "the microphone fragment ended (EOS)"};
    if (pipeline_->replace_microphone(fault, context_)) {
      g_warning("voice: %s", fault.detail.c_str());
      announce_device(AudioDevice::Microphone);
    }
    return true;
  }
  if (GST_MESSAGE_TYPE(message) != GST_MESSAGE_ERROR) return false;
  switch (pipeline_->branch_of(GST_MESSAGE_SRC(message))) {
    case Branch::Microphone: {
      DeviceFault fault = device_fault_from(message, pipeline_->microphone_ran());
      g_warning("voice: the microphone fragment failed: %s", fault.detail.c_str());
      if (pipeline_->replace_microphone(std::move(fault), context_)) {
        announce_device(AudioDevice::Microphone);
      }
      return true;
    }
    case Branch::Speakers: {
      // The sink started with the pipeline: an error now is one that stopped it.
      DeviceFault fault = device_fault_from(message, true);
      g_warning("voice: the speaker fragment failed: %s", fault.detail.c_str());
      if (pipeline_->replace_speakers(std::move(fault), context_)) {
        announce_device(AudioDevice::Speakers);
      }
      return true;
    }
    case Branch::Retired:
      return true;  // a replaced fragment's last words: already told
    case Branch::Other:
    case Branch::Gone:
      return false;
  }
  return false;
}

void VoiceEngine::Impl::announce_device(AudioDevice device) {
  if (stopped_ || !pipeline_) return;
  const bool mic = device == AudioDevice::Microphone;
  const auto& fault = mic ? pipeline_->microphone_fault() : pipeline_->speakers_fault();
  if (!fault) return;
  const auto& callback = mic ? events_.on_microphone : events_.on_speakers;
  if (callback) callback(false, device_problem_words(device, fault->problem));
}

}  // namespace shotcall::media
