#include "app/game/lcd_tls_database.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>

#include "app/game/lan_setup.hpp"
#include "app/i18n/translate.hpp"
#include "common/glib_ptr.hpp"
#include "common/openssl_ptr.hpp"

// Measured on Debian 12 (GLib 2.74, glib-networking 2.74 over GnuTLS 3.7.9), with a throwaway CA
// and g_tls_database_verify_chain(), identity g_network_address_new("127.0.0.1", 2999):
//   leaf CN=127.0.0.1, no subjectAltName        -> BAD_IDENTITY (also for "localhost")
//   leaf CN=127.0.0.1, SAN IP:127.0.0.1          -> trusted (BAD_IDENTITY for "localhost")
//   leaf signed with SHA-1                        -> INSECURE
//   relative CA path                              -> UNKNOWN_CA and a GLib-Net warning
// data/riotgames.pem is a self-signed X.509 v1 certificate (no extensions, SHA-1 self-signature,
// valid 2013-12-04 to 2043-11-27). GnuTLS accepts it as a trust anchor: the self-signature of an
// anchor is not checked. No certificate of the game itself was available here; clients of the
// League client (which uses the same CA) report its leaf as SHA256withRSA, which GnuTLS accepts.
// A SHA-1 leaf would be refused as INSECURE: we do not relax that.

namespace {

struct ShotcallPinnedTlsDatabase {
  GTlsDatabase parent_instance;
  GTlsDatabase* anchors;  // the GTlsFileDatabase doing the real work
  GInetAddress* lan;      // LAN mode: the game PC's configured address; nullptr otherwise
};
struct ShotcallPinnedTlsDatabaseClass {
  GTlsDatabaseClass parent_class;
};

GType shotcall_pinned_tls_database_get_type();
G_DEFINE_TYPE(ShotcallPinnedTlsDatabase, shotcall_pinned_tls_database, G_TYPE_TLS_DATABASE)

ShotcallPinnedTlsDatabase* self_of(GTlsDatabase* db) {
  return G_TYPE_CHECK_INSTANCE_CAST(db, shotcall_pinned_tls_database_get_type(),
                                    ShotcallPinnedTlsDatabase);
}

// The host an identity names, when it is an IP literal; empty otherwise.
std::string ip_host_of(GSocketConnectable* identity) {
  std::string host;
  if (G_IS_NETWORK_ADDRESS(identity)) {
    const char* h = g_network_address_get_hostname(G_NETWORK_ADDRESS(identity));
    if (h) host = h;
  } else if (G_IS_INET_SOCKET_ADDRESS(identity)) {
    shotcall::GPtr<gchar> s{g_inet_address_to_string(
        g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(identity)))};
    host = s.get();
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return g_hostname_is_ip_address(host.c_str()) ? host : std::string{};
}

// LAN mode: the host we connected to is exactly the configured address of the game's PC.
bool is_configured_lan_address(GInetAddress* lan, const std::string& ip) {
  if (!lan || ip.empty()) return false;
  shotcall::GPtr<GInetAddress> got{g_inet_address_new_from_string(ip.c_str())};
  return got && g_inet_address_equal(lan, got.get());
}

bool is_loopback(const std::string& ip) {
  if (ip.empty()) return false;
  shotcall::GPtr<GInetAddress> address{g_inet_address_new_from_string(ip.c_str())};
  return address && g_inet_address_get_is_loopback(address.get());
}

// RFC 2818's legacy rule, kept narrow: the leaf has no subjectAltName at all, exactly one CN,
// and that CN is the same IP address as the host we connected to.
bool legacy_cn_names_ip(GTlsCertificate* leaf, const std::string& ip) {
  GByteArray* raw = nullptr;
  g_object_get(leaf, "certificate", &raw, nullptr);
  shotcall::GPtr<GByteArray> der{raw};
  if (!der || der->len == 0) return false;
  const unsigned char* p = der->data;
  shotcall::X509Ptr x509{d2i_X509(nullptr, &p, static_cast<long>(der->len))};
  if (!x509) return false;
  if (X509_get_ext_by_NID(x509.get(), NID_subject_alt_name, -1) >= 0) return false;

  X509_NAME* subject = X509_get_subject_name(x509.get());
  const int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, idx) >= 0) return false;
  unsigned char* utf8 = nullptr;
  const int len =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)));
  if (len <= 0) return false;
  const std::string cn(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  if (cn.find('\0') != std::string::npos) return false;

  shotcall::GPtr<GInetAddress> want{g_inet_address_new_from_string(ip.c_str())};
  shotcall::GPtr<GInetAddress> got{g_inet_address_new_from_string(cn.c_str())};
  return want && got && g_inet_address_equal(want.get(), got.get());
}

// Called from glib-networking's handshake thread: reads only immutable state.
GTlsCertificateFlags pinned_verify_chain(GTlsDatabase* db, GTlsCertificate* chain,
                                         const gchar* purpose, GSocketConnectable* identity,
                                         GTlsInteraction* interaction,
                                         GTlsDatabaseVerifyFlags flags, GCancellable* cancellable,
                                         GError** error) {
  GError* local = nullptr;
  auto result = g_tls_database_verify_chain(self_of(db)->anchors, chain, purpose, identity,
                                            interaction, flags, cancellable, &local);
  if (local) {
    g_propagate_error(error, local);
    return result;
  }
  const std::string ip = identity ? ip_host_of(identity) : std::string{};
  // Both exceptions below hold only for a chain the pinned CA signed: a certificate from any
  // other authority keeps every flag, its expiry included.
  if (result & G_TLS_CERTIFICATE_UNKNOWN_CA) return result;
  // LAN mode: the game on another PC, reached through its `netsh interface portproxy`, still
  // serves its certificate naming only CN=127.0.0.1. That name is accepted for the one address
  // the player configured, on the pinned chain, and for no other host.
  const bool lan = is_configured_lan_address(self_of(db)->lan, ip);
  if ((result & G_TLS_CERTIFICATE_BAD_IDENTITY) && !ip.empty() &&
      (legacy_cn_names_ip(chain, ip) || (lan && legacy_cn_names_ip(chain, "127.0.0.1")))) {
    result = static_cast<GTlsCertificateFlags>(result & ~G_TLS_CERTIFICATE_BAD_IDENTITY);
  }
  // Riot let the game's own certificate expire (January 2026) and the game still serves it. On
  // this machine's loopback, with the chain anchored at the pinned game CA and every other check
  // passed, expiry protects the player from nothing: refusing it would only stop Shotcall from
  // seeing the game. The same holds in LAN mode for the game's PC (it serves the same expired
  // certificate), at the configured address only. Anywhere else expiry stands.
  if ((result & G_TLS_CERTIFICATE_EXPIRED) && (is_loopback(ip) || lan)) {
    result = static_cast<GTlsCertificateFlags>(result & ~G_TLS_CERTIFICATE_EXPIRED);
  }
  return result;
}

// The lookups GIO may ask of any database go straight to the pinned anchors.
gchar* pinned_create_handle(GTlsDatabase* db, GTlsCertificate* cert) {
  return g_tls_database_create_certificate_handle(self_of(db)->anchors, cert);
}
GTlsCertificate* pinned_for_handle(GTlsDatabase* db, const gchar* handle, GTlsInteraction* i,
                                   GTlsDatabaseLookupFlags f, GCancellable* c, GError** e) {
  return g_tls_database_lookup_certificate_for_handle(self_of(db)->anchors, handle, i, f, c, e);
}
GTlsCertificate* pinned_issuer(GTlsDatabase* db, GTlsCertificate* cert, GTlsInteraction* i,
                               GTlsDatabaseLookupFlags f, GCancellable* c, GError** e) {
  return g_tls_database_lookup_certificate_issuer(self_of(db)->anchors, cert, i, f, c, e);
}
GList* pinned_issued_by(GTlsDatabase* db, GByteArray* dn, GTlsInteraction* i,
                        GTlsDatabaseLookupFlags f, GCancellable* c, GError** e) {
  return g_tls_database_lookup_certificates_issued_by(self_of(db)->anchors, dn, i, f, c, e);
}

void shotcall_pinned_tls_database_finalize(GObject* object) {
  auto* self = reinterpret_cast<ShotcallPinnedTlsDatabase*>(object);
  g_clear_object(&self->anchors);
  g_clear_object(&self->lan);
  G_OBJECT_CLASS(shotcall_pinned_tls_database_parent_class)->finalize(object);
}

void shotcall_pinned_tls_database_init(ShotcallPinnedTlsDatabase* self) {
  self->anchors = nullptr;
  self->lan = nullptr;
}

void shotcall_pinned_tls_database_class_init(ShotcallPinnedTlsDatabaseClass* klass) {
  G_OBJECT_CLASS(klass)->finalize = shotcall_pinned_tls_database_finalize;
  GTlsDatabaseClass* db = G_TLS_DATABASE_CLASS(klass);
  db->verify_chain = pinned_verify_chain;
  db->create_certificate_handle = pinned_create_handle;
  db->lookup_certificate_for_handle = pinned_for_handle;
  db->lookup_certificate_issuer = pinned_issuer;
  db->lookup_certificates_issued_by = pinned_issued_by;
}

}  // namespace

namespace shotcall::game {

GTlsDatabase* new_pinned_tls_database(const std::string& ca_file, std::string* error,
                                      const std::string& lan_address) {
  auto fail = [&](std::string message) -> GTlsDatabase* {
    if (error) *error = std::move(message);
    return nullptr;
  };
  if (ca_file.empty()) return fail(i18n::tr("no CA file given"));
  GPtr<GInetAddress> lan;
  if (!lan_address.empty()) {
    lan.reset(g_inet_address_new_from_string(lan_address.c_str()));
    if (!lan) {
      // Translators: why the game's data cannot be read; {address} is the game computer's
      // address as set in Preferences. No full stop.
      return fail(i18n::fill(i18n::tr("LAN address \"{address}\" is not an IP address"),
                             {{"address", lan_address}}));
    }
    // The game's certificate and key are the same on every install: the exception may name only
    // an address of the player's own network, never one the internet can route to.
    if (!is_own_network_address(lan_address)) {
      // Translators: {address} is the game computer's address as set in Preferences.
      return fail(i18n::fill(i18n::tr("LAN address \"{address}\" is not on your own network (a "
                                      "private, link-local or loopback address)"),
                             {{"address", lan_address}}));
    }
  }
  GPtr<gchar> absolute{g_canonicalize_filename(ca_file.c_str(), nullptr)};
  if (!g_file_test(absolute.get(), G_FILE_TEST_IS_REGULAR)) {
    // Translators: {file} is a certificate authority file's path. No full stop.
    return fail(i18n::fill(i18n::tr("CA file {file} does not exist or is not a regular file"),
                           {{"file", ca_file}}));
  }
  // GTlsFileDatabase accepts a file with no certificate in it (and then trusts nothing); say so
  // now rather than failing every handshake later.
  GError* raw = nullptr;
  GList* certs = g_tls_certificate_list_new_from_file(absolute.get(), &raw);
  if (raw) {
    // Translators: {file} is a certificate authority file's path, {reason} the system's words.
    std::string message = i18n::fill(i18n::tr("cannot read CA file {file}: {reason}"),
                                     {{"file", ca_file}, {"reason", raw->message}});
    g_error_free(raw);
    return fail(message);
  }
  const bool has_cert = certs != nullptr;
  g_list_free_full(certs, g_object_unref);
  if (!has_cert) {
    // Translators: {file} is a certificate authority file's path. No full stop.
    return fail(
        i18n::fill(i18n::tr("CA file {file} holds no PEM certificate"), {{"file", ca_file}}));
  }

  GTlsDatabase* anchors = g_tls_file_database_new(absolute.get(), &raw);
  if (!anchors) {
    // Translators: {file} is a certificate authority file's path, {reason} the system's words.
    std::string message =
        i18n::fill(i18n::tr("cannot load CA file {file}: {reason}"),
                   {{"file", ca_file}, {"reason", raw ? raw->message : i18n::tr("unknown error")}});
    if (raw) g_error_free(raw);
    return fail(message);
  }
  auto* db = static_cast<ShotcallPinnedTlsDatabase*>(
      g_object_new(shotcall_pinned_tls_database_get_type(), nullptr));
  db->anchors = anchors;
  db->lan = lan.release();
  return G_TLS_DATABASE(db);
}

std::string describe_tls_errors(GTlsCertificateFlags flags) {
  struct Name {
    GTlsCertificateFlags flag;
    const char* text;
  };
  // Translators: what is wrong with League's game-data certificate, listed after "certificate
  // not trusted: ".
  static constexpr Name kNames[] = {
      {G_TLS_CERTIFICATE_UNKNOWN_CA, i18n::N_("not signed by the pinned CA")},
      {G_TLS_CERTIFICATE_BAD_IDENTITY, i18n::N_("issued for another host")},
      {G_TLS_CERTIFICATE_NOT_ACTIVATED, i18n::N_("not valid yet")},
      {G_TLS_CERTIFICATE_EXPIRED, i18n::N_("expired")},
      {G_TLS_CERTIFICATE_REVOKED, i18n::N_("revoked")},
      {G_TLS_CERTIFICATE_INSECURE, i18n::N_("uses an insecure algorithm")},
      {G_TLS_CERTIFICATE_GENERIC_ERROR, i18n::N_("could not be checked")},
  };
  std::string text;
  for (const auto& n : kNames) {
    if (!(flags & n.flag)) continue;
    text += text.empty() ? "" : ", ";
    text += i18n::tr(n.text);
  }
  // Translators: shown after "League's game data can't be trusted"; {problems} lists what is
  // wrong with the certificate ("expired, issued for another host"). No full stop.
  return i18n::fill(i18n::tr("certificate not trusted: {problems}"),
                    {{"problems", text.empty() ? i18n::tr("handshake failed") : text}});
}

}  // namespace shotcall::game
