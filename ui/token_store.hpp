// The server's access token (shotcall-signal --access-token), kept in the user's keyring through
// libsecret (the Secret Service: GNOME Keyring, KWallet, KeePassXC), one per server address, and
// never in GSettings, whose files any program of the user can read. Without a secret service (a
// bare X server, the tests) the token is kept in memory for this run only, and note() says so.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace shotcall::ui {

class TokenStore {
 public:
  // The token for `server_url`: from memory once read, else from the keyring. nullopt when none
  // is stored. Blocks on the keyring's D-Bus call the first time for each server.
  std::optional<std::string> load(const std::string& server_url);
  // Stores `token` for `server_url` (an empty one removes it). Always takes effect for this run;
  // false when the keyring could not keep it (note() says why and what to do).
  bool save(const std::string& server_url, const std::string& token);
  // Where the token is kept, in words, for the field's caption.
  std::string note() const;

 private:
  std::map<std::string, std::optional<std::string>> known_;
  // Empty until the keyring was used: note() then says where a token goes, in the player's
  // language of the moment (this object may be made before the language is set).
  std::string note_;
};

}  // namespace shotcall::ui
