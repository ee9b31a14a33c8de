// The microphone and speaker fragments failing: the engine moves to the system's default device
// when the chosen one went away, or swaps in a stand-in (live silence, a synchronised fakesink;
// voice_pipeline.cpp) and keeps the call, then tells the player in words. The chosen device
// coming back (the app's device monitor sees it: devices_changed) brings it back.
// Main context only.
#include "app/media/engine_impl.hpp"

namespace shotcall::media {

bool VoiceEngine::Impl::on_device_message(GstMessage* message) {
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ELEMENT) {
    const GstStructure* s = gst_message_get_structure(message);
    if (!s || !gst_structure_has_name(s, VoicePipeline::kMicrophoneEnded)) return false;
    // A source that ran out, or a device whose driver ended the stream.
    // (After an error, the fragment's own EOS follows: replaced already, nothing to say.)
    GstElement* fragment = nullptr;
    gst_structure_get(s, "fragment", GST_TYPE_ELEMENT, &fragment, nullptr);
    const bool current = fragment ? pipeline_->branch_of(GST_OBJECT(fragment)) == Branch::Microphone
                                  : !pipeline_->microphone_fault();
    if (fragment) gst_object_unref(fragment);
    if (current) {
      g_warning("voice: the microphone fragment ended (EOS)");
      device_failed(AudioDevice::Microphone,
                    DeviceFault{DeviceProblem::Stopped, "the microphone fragment ended (EOS)"});
    }
    return true;
  }
  if (GST_MESSAGE_TYPE(message) != GST_MESSAGE_ERROR) return false;
  switch (pipeline_->branch_of(GST_MESSAGE_SRC(message))) {
    case Branch::Microphone: {
      DeviceFault fault = device_fault_from(message, pipeline_->microphone_ran());
      g_warning("voice: the microphone fragment failed: %s", fault.detail.c_str());
      device_failed(AudioDevice::Microphone, std::move(fault));
      return true;
    }
    case Branch::Speakers: {
      // The sink started with the pipeline: an error now is one that stopped it.
      DeviceFault fault = device_fault_from(message, true);
      g_warning("voice: the speaker fragment failed: %s", fault.detail.c_str());
      device_failed(AudioDevice::Speakers, std::move(fault));
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

void VoiceEngine::Impl::device_failed(AudioDevice device, DeviceFault fault) {
  const bool mic = device == AudioDevice::Microphone;
  DeviceState& state = mic ? microphone_state_ : speakers_state_;
  const std::string failed = fragment_to_use(state);
  if (failed.empty()) return;  // the stand-in runs already
  state = failed == state.chosen ? after_chosen_failed(state) : after_default_failed(state);
  const std::string next = fragment_to_use(state);
  if (!next.empty()) {
    const bool swapped =
        mic ? pipeline_->use_microphone(next, context_) : pipeline_->use_speakers(next, context_);
    if (swapped) {
      g_message("voice: using '%s' in place of '%s'", next.c_str(), failed.c_str());
      const auto& callback = mic ? events_.on_microphone : events_.on_speakers;
      if (!stopped_ && callback) callback(true, using_default_words(device));
      return;
    }
    state = after_default_failed(state);
  }
  const bool replaced = mic ? pipeline_->replace_microphone(std::move(fault), context_)
                            : pipeline_->replace_speakers(std::move(fault), context_);
  if (replaced) announce_device(device);
}

void VoiceEngine::Impl::use_device(AudioDevice device, const std::string& fragment) {
  if (stopped_ || !pipeline_) return;
  const bool mic = device == AudioDevice::Microphone;
  DeviceState& state = mic ? microphone_state_ : speakers_state_;
  state = DeviceState{fragment};
  if (mic) {
    pipeline_->use_microphone(fragment, context_);
  } else {
    pipeline_->use_speakers(fragment, context_);
  }
}

void VoiceEngine::Impl::devices_changed(const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs) {
  if (stopped_ || !pipeline_) return;
  for (AudioDevice device : {AudioDevice::Microphone, AudioDevice::Speakers}) {
    const bool mic = device == AudioDevice::Microphone;
    DeviceState& state = mic ? microphone_state_ : speakers_state_;
    const std::string before = fragment_to_use(state);
    state = after_devices_changed(state, mic ? inputs : outputs);
    if (fragment_to_use(state) == before) continue;
    const std::string now = fragment_to_use(state);
    if (now.empty()) continue;  // never from a list change: only failures lead to the stand-in
    const bool swapped =
        mic ? pipeline_->use_microphone(now, context_) : pipeline_->use_speakers(now, context_);
    if (!swapped) continue;
    const bool back = now == state.chosen;
    g_message("voice: the chosen device '%s' is %s", state.chosen.c_str(),
              back ? "back" : "gone: using the default");
    const auto& callback = mic ? events_.on_microphone : events_.on_speakers;
    if (callback) callback(true, back ? chosen_back_words(device) : using_default_words(device));
  }
}

std::string VoiceEngine::Impl::device_in_use(AudioDevice device) const {
  if (!pipeline_) return "";
  return fragment_to_use(device == AudioDevice::Microphone ? microphone_state_ : speakers_state_);
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
