// The device key this installation proves its Riot ID with (identity-1), one per server host,
// kept under $XDG_DATA_HOME/shotcall/ in a file only its user may read, created on first use.
#pragma once

#include <memory>
#include <string>

#include "signaling/identity/ed25519.hpp"

namespace shotcall::session {

// $XDG_DATA_HOME/shotcall/keys/<host_port>.key; with `player` (the headless peer, where one user
// runs many players) $XDG_DATA_HOME/shotcall/peer-keys/<host_port>/<hash of the Riot ID>.key.
std::string device_key_path(const std::string& server_url, const std::string& player = {});

// Loads or creates the key; null with `error` in words (what is wrong, what to do).
std::shared_ptr<const identity::KeyPair> load_device_key(const std::string& path,
                                                         std::string& error);

}  // namespace shotcall::session
