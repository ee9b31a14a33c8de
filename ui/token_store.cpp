#include "ui/token_store.hpp"

#include <libsecret/secret.h>

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

namespace {

using i18n::fill;
using i18n::tr;

// One secret per server address: attribute `server`.
const SecretSchema* token_schema() {
  static const SecretSchema schema = [] {
    SecretSchema s{};
    s.name = "io.github.shotcall.Shotcall.AccessToken";
    s.flags = SECRET_SCHEMA_NONE;
    s.attributes[0] = {"server", SECRET_SCHEMA_ATTRIBUTE_STRING};
    s.attributes[1] = {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING};
    return s;
  }();
  return &schema;
}

std::string no_keyring(const GError* error) {
  // Translators: {error} is libsecret's message (often English), or "unknown error".
  return fill(tr("No keyring is available ({error}): the token is kept for this run only. Start "
                 "your desktop's keyring (GNOME Keyring, KWallet or KeePassXC's secret service) "
                 "to keep it."),
              {{"error", error ? error->message : tr("unknown error")}});
}

const char* kept_in_keyring() { return tr("Kept in your keyring, never in Shotcall's settings."); }

}  // namespace

std::optional<std::string> TokenStore::load(const std::string& server_url) {
  if (const auto it = known_.find(server_url); it != known_.end()) return it->second;
  GError* error = nullptr;
  gchar* secret = secret_password_lookup_sync(token_schema(), nullptr, &error, "server",
                                              server_url.c_str(), nullptr);
  std::optional<std::string> token;
  if (secret) {
    token = secret;
    secret_password_free(secret);
  }
  if (error) {
    note_ = no_keyring(error);
    g_error_free(error);
  }
  known_[server_url] = token;
  return token;
}

bool TokenStore::save(const std::string& server_url, const std::string& token) {
  known_[server_url] = token.empty() ? std::nullopt : std::optional<std::string>{token};
  GError* error = nullptr;
  if (token.empty()) {
    secret_password_clear_sync(token_schema(), nullptr, &error, "server", server_url.c_str(),
                               nullptr);
  } else {
    const std::string label =
        // Translators: the keyring item's name, as Seahorse (Passwords and Keys) lists it; {server}
        // is the server's address ("wss://voice.example.org/ws").
        fill(tr("Shotcall access token for {server}"), {{"server", server_url}});
    secret_password_store_sync(token_schema(), SECRET_COLLECTION_DEFAULT, label.c_str(),
                               token.c_str(), nullptr, &error, "server", server_url.c_str(),
                               nullptr);
  }
  if (error) {
    note_ = no_keyring(error);
    g_error_free(error);
    return false;
  }
  note_ = token.empty() ? tr("No token: this server must admit anyone.") : kept_in_keyring();
  return true;
}

std::string TokenStore::note() const { return note_.empty() ? kept_in_keyring() : note_; }

}  // namespace shotcall::ui
