// The public face of the engine: forwards to VoiceEngine::Impl (engine_impl.hpp).
#include "app/media/voice_engine.hpp"

#include "app/i18n/translate.hpp"
#include "app/media/engine_impl.hpp"

namespace shotcall::media {

std::unique_ptr<VoiceEngine> VoiceEngine::create(VoiceConfig config, VoiceEvents events,
                                                 std::string* error) {
  auto impl = std::make_shared<Impl>(std::move(config), std::move(events));
  std::string why;
  if (!impl->start(&why)) {
    // Translators: the engine's reason, shown without its full stop.
    if (error) *error = why.empty() ? i18n::tr("the audio pipeline failed to start") : why;
    return nullptr;
  }
  return std::unique_ptr<VoiceEngine>(new VoiceEngine(std::move(impl)));
}

VoiceEngine::VoiceEngine(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
VoiceEngine::~VoiceEngine() { impl_->stop(); }

bool VoiceEngine::add_peer(const std::string& peer_id, const std::string& display_name,
                           bool we_offer) {
  return impl_->add_peer(peer_id, display_name, we_offer);
}
void VoiceEngine::remove_peer(const std::string& peer_id, const std::string& reason) {
  impl_->remove_peer(peer_id, reason);
}
bool VoiceEngine::handle_signal(const std::string& peer_id, const std::string& json) {
  return impl_->handle_signal(peer_id, json);
}
void VoiceEngine::set_muted(bool muted, MuteKind kind) { impl_->set_muted(muted, kind); }
void VoiceEngine::set_deafened(bool deafened) { impl_->set_deafened(deafened); }
bool VoiceEngine::set_peer_volume(const std::string& peer_id, double volume) {
  return impl_->set_peer_volume(peer_id, volume);
}
bool VoiceEngine::set_peer_muted(const std::string& peer_id, bool muted) {
  return impl_->set_peer_muted(peer_id, muted);
}
void VoiceEngine::set_jitter_ms(int ms) { impl_->set_jitter_ms(ms); }
void VoiceEngine::set_bitrate(int bps) { impl_->set_bitrate(bps); }
void VoiceEngine::set_ice_servers(const std::vector<IceServer>& servers) {
  impl_->set_ice_servers(servers);
}
std::optional<std::string> VoiceEngine::recording_path(const std::string& peer_id) const {
  return impl_->recording_path(peer_id);
}
bool VoiceEngine::fail_peer(const std::string& peer_id, const std::string& reason) {
  return impl_->fail_peer(peer_id, reason);
}
void VoiceEngine::stop() { impl_->stop(); }
std::vector<std::string> VoiceEngine::peers() const { return impl_->peer_ids(); }
std::optional<PeerPhase> VoiceEngine::peer_phase(const std::string& peer_id) const {
  return impl_->phase(peer_id);
}
EngineCounts VoiceEngine::counts() const { return impl_->counts(); }
void VoiceEngine::use_microphone(const std::string& fragment) {
  impl_->use_device(AudioDevice::Microphone, fragment);
}
void VoiceEngine::use_speakers(const std::string& fragment) {
  impl_->use_device(AudioDevice::Speakers, fragment);
}
void VoiceEngine::devices_changed(const std::vector<std::string>& inputs,
                                  const std::vector<std::string>& outputs) {
  impl_->devices_changed(inputs, outputs);
}
std::string VoiceEngine::microphone_in_use() const {
  return impl_->device_in_use(AudioDevice::Microphone);
}
std::string VoiceEngine::speakers_in_use() const {
  return impl_->device_in_use(AudioDevice::Speakers);
}
bool VoiceEngine::microphone_available() const { return impl_->microphone_available(); }
bool VoiceEngine::speakers_available() const { return impl_->speakers_available(); }
int VoiceEngine::pipeline_latency_ms() const { return impl_->latency_ms(); }
int VoiceEngine::jitter_ms() const { return impl_->jitter_ms(); }

}  // namespace shotcall::media
