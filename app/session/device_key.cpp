#include "app/session/device_key.hpp"

#include <glib.h>

#include "signaling/protocol/riot_id.hpp"

namespace shotcall::session {

std::string device_key_path(const std::string& server_url, const std::string& player) {
  std::string host = "server";
  if (GUri* uri = g_uri_parse(server_url.c_str(), G_URI_FLAGS_NONE, nullptr)) {
    if (g_uri_get_host(uri))
      host = std::string{g_uri_get_host(uri)} + "_" + std::to_string(g_uri_get_port(uri));
    g_uri_unref(uri);
  }
  for (char& ch : host)
    if (!g_ascii_isalnum(ch) && ch != '.' && ch != '-' && ch != '_') ch = '_';
  const std::string base = std::string{g_get_user_data_dir()} + "/shotcall/";
  if (player.empty()) return base + "keys/" + host + ".key";
  gchar* digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
                                                protocol::fold_riot_id(player).c_str(), -1);
  const std::string name{digest, 16};
  g_free(digest);
  return base + "peer-keys/" + host + "/" + name + ".key";
}

std::shared_ptr<const identity::KeyPair> load_device_key(const std::string& path,
                                                         std::string& error) {
  auto key = identity::KeyPair::load_or_create(path, error);
  if (!key) return nullptr;
  return std::make_shared<const identity::KeyPair>(std::move(*key));
}

}  // namespace shotcall::session
