#include "ui/peer_memory_settings.hpp"

#include "ui/settings_keys.hpp"

namespace shotcall::ui {

namespace {
using Volumes = std::map<Glib::ustring, double>;
using Muted = std::map<Glib::ustring, bool>;
}  // namespace

void load_peer_memory(const Glib::RefPtr<Gio::Settings>& settings, PeerMemory& memory) {
  Glib::VariantBase v, m;
  settings->get_value(keys::kPeerVolumes, v);
  settings->get_value(keys::kPeerMuted, m);
  std::map<std::string, double> volumes;
  std::map<std::string, bool> muted;
  for (const auto& [k, x] : Glib::VariantBase::cast_dynamic<Glib::Variant<Volumes>>(v).get())
    volumes[k.raw()] = x;
  for (const auto& [k, x] : Glib::VariantBase::cast_dynamic<Glib::Variant<Muted>>(m).get())
    muted[k.raw()] = x;
  memory.load(volumes, muted);
}

void save_peer_memory(const Glib::RefPtr<Gio::Settings>& settings, const PeerMemory& memory) {
  Volumes volumes;
  Muted muted;
  for (const auto& [k, x] : memory.volumes()) volumes[k] = x;
  for (const auto& [k, x] : memory.muted()) muted[k] = x;
  settings->set_value(keys::kPeerVolumes, Glib::Variant<Volumes>::create(volumes));
  settings->set_value(keys::kPeerMuted, Glib::Variant<Muted>::create(muted));
}

}  // namespace shotcall::ui
