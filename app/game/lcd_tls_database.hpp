// The trust the Live Client Data poller places in the game's HTTPS server: only certificates
// that chain to one given CA file (Riot's "LoL Game Engineering Certificate Authority" by
// default), with the usual checks (validity dates, algorithms, host identity) left on.
//
// Why not a plain GTlsFileDatabase: the game's certificate names its host only in the subject
// CN ("127.0.0.1"), with no subjectAltName. GnuTLS 3.7 (GLib's TLS backend on Debian 12)
// matches an IP address only against iPAddress subjectAltNames, so a plain file database
// reports G_TLS_CERTIFICATE_BAD_IDENTITY for https://127.0.0.1:2999 (measured: see
// lcd_tls_database.cpp). This database delegates every check to a GTlsFileDatabase and then
// accepts, for an IP-literal host only, a certificate without any subjectAltName whose single
// CN is that same IP address: the legacy rule RFC 2818 allowed, on a chain the pinned CA signed.
#pragma once

#include <gio/gio.h>

#include <string>

namespace shotcall::game {

// A new reference to a database trusting exactly the certificates in `ca_file` (PEM). The path
// is made absolute (GTlsFileDatabase insists). Returns nullptr and sets *error when the file is
// missing, unreadable or holds no certificate.
//
// `lan_address` (LAN mode: the game runs on another PC, its port forwarded there with
// `netsh interface portproxy`): an IP address of the player's own network
// (is_own_network_address: private, link-local or loopback). A pinned-chain certificate whose
// only name is CN=127.0.0.1 (the game's own) is then accepted when connecting to exactly that
// address, and its expiry tolerated there as on loopback; a chain from any other CA keeps all its
// flags. Empty: no such exception for any host. Not an IP address, or a routable one (the game's
// key ships with every install, so it proves nothing there): nullptr with *error.
GTlsDatabase* new_pinned_tls_database(const std::string& ca_file, std::string* error,
                                      const std::string& lan_address = "");

// "certificate not trusted: not signed by the pinned CA, expired" and the like.
std::string describe_tls_errors(GTlsCertificateFlags flags);

}  // namespace shotcall::game
