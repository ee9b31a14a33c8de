// PeerMemory to and from its two GSettings keys (peer-volumes a{sd}, peer-muted a{sb}).
#pragma once

#include <giomm/settings.h>

#include "ui/peer_memory.hpp"

namespace shotcall::ui {

void load_peer_memory(const Glib::RefPtr<Gio::Settings>& settings, PeerMemory& memory);
void save_peer_memory(const Glib::RefPtr<Gio::Settings>& settings, const PeerMemory& memory);

}  // namespace shotcall::ui
