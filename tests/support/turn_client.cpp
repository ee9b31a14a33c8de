#include "tests/support/turn_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <stdexcept>

namespace shotcall::test {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kMagicCookie = 0x2112A442;
// Methods (RFC 8656 section 17) and the class bits of a response.
constexpr std::uint16_t kAllocate = 0x003;
constexpr std::uint16_t kRefresh = 0x004;
constexpr std::uint16_t kCreatePermission = 0x008;
constexpr std::uint16_t kSuccessClass = 0x100;
constexpr std::uint16_t kErrorClass = 0x110;
// Attributes.
constexpr std::uint16_t kUsername = 0x0006;
constexpr std::uint16_t kMessageIntegrity = 0x0008;
constexpr std::uint16_t kErrorCode = 0x0009;
constexpr std::uint16_t kLifetime = 0x000D;
constexpr std::uint16_t kXorPeerAddress = 0x0012;
constexpr std::uint16_t kRealm = 0x0014;
constexpr std::uint16_t kNonce = 0x0015;
constexpr std::uint16_t kXorRelayedAddress = 0x0016;
constexpr std::uint16_t kRequestedAddressFamily = 0x0017;
constexpr std::uint16_t kRequestedTransport = 0x0019;

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
std::uint16_t get16(const Bytes& b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

// One attribute: type, length, value, padded to 4 bytes.
Bytes attribute(std::uint16_t type, const Bytes& value) {
  Bytes a;
  put16(a, type);
  put16(a, static_cast<std::uint16_t>(value.size()));
  a.insert(a.end(), value.begin(), value.end());
  while (a.size() % 4) a.push_back(0);
  return a;
}
Bytes attribute(std::uint16_t type, const std::string& value) {
  return attribute(type, Bytes(value.begin(), value.end()));
}

Bytes new_transaction_id() {
  static std::mt19937 rng{std::random_device{}()};
  Bytes id;
  for (int i = 0; i < 12; ++i) id.push_back(static_cast<std::uint8_t>(rng()));
  return id;
}

// A request: header with transaction id `id`, then the attributes (length set).
Bytes request(std::uint16_t method, const Bytes& id, const std::vector<Bytes>& attributes) {
  Bytes m;
  put16(m, method);
  put16(m, 0);
  put32(m, kMagicCookie);
  m.insert(m.end(), id.begin(), id.end());
  for (const auto& a : attributes) m.insert(m.end(), a.begin(), a.end());
  const auto length = static_cast<std::uint16_t>(m.size() - 20);
  m[2] = static_cast<std::uint8_t>(length >> 8);
  m[3] = static_cast<std::uint8_t>(length);
  return m;
}

// Appends MESSAGE-INTEGRITY: HMAC-SHA1 with `key` over the message whose length already counts
// the attribute (RFC 8489 section 14.5).
void add_integrity(Bytes& m, const Bytes& key) {
  const auto length = static_cast<std::uint16_t>(m.size() - 20 + 24);
  m[2] = static_cast<std::uint8_t>(length >> 8);
  m[3] = static_cast<std::uint8_t>(length);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), m.data(), m.size(), mac, &mac_len);
  const Bytes a = attribute(kMessageIntegrity, Bytes(mac, mac + mac_len));
  m.insert(m.end(), a.begin(), a.end());
}

// The value of the first attribute `type` in a message, if any.
std::optional<Bytes> find_attribute(const Bytes& m, std::uint16_t type) {
  std::size_t at = 20;
  while (at + 4 <= m.size()) {
    const std::uint16_t t = get16(m, at), len = get16(m, at + 2);
    if (at + 4 + len > m.size()) break;
    if (t == type) return Bytes(m.begin() + at + 4, m.begin() + at + 4 + len);
    at += 4 + ((len + 3u) & ~3u);
  }
  return std::nullopt;
}

std::string text_attribute(const Bytes& m, std::uint16_t type) {
  const auto v = find_attribute(m, type);
  return v ? std::string(v->begin(), v->end()) : std::string{};
}

TurnAnswer answer_of(const Bytes& m, std::uint16_t method) {
  TurnAnswer a;
  if (m.size() < 20) return a;
  const std::uint16_t type = get16(m, 0);
  if (type == (method | kSuccessClass)) {
    a.answered = a.is_success = true;
  } else if (type == (method | kErrorClass)) {
    a.answered = true;
    if (const auto e = find_attribute(m, kErrorCode); e && e->size() >= 4) {
      a.error_code = ((*e)[2] & 0x07) * 100 + (*e)[3];
      a.reason.assign(e->begin() + 4, e->end());
    }
  }
  return a;
}

// XOR-PEER-ADDRESS / XOR-RELAYED-ADDRESS value for `ip`:`port` (RFC 8489 section 14.2).
Bytes xor_address(const std::string& ip, int port, const Bytes& transaction_id) {
  std::uint8_t addr[16];
  int family = 0;
  if (inet_pton(AF_INET, ip.c_str(), addr) == 1) {
    family = 1;
  } else if (inet_pton(AF_INET6, ip.c_str(), addr) == 1) {
    family = 2;
  } else {
    throw std::invalid_argument("not an IP address: " + ip);
  }
  Bytes mask;
  put32(mask, kMagicCookie);
  mask.insert(mask.end(), transaction_id.begin(), transaction_id.end());
  Bytes v{0, static_cast<std::uint8_t>(family)};
  put16(v, static_cast<std::uint16_t>(port ^ (kMagicCookie >> 16)));
  for (int i = 0; i < (family == 1 ? 4 : 16); ++i) v.push_back(addr[i] ^ mask[i]);
  return v;
}

std::string decode_xor_address(const Bytes& v, const Bytes& m) {
  if (v.size() < 8) return {};
  const int port = get16(v, 2) ^ (kMagicCookie >> 16);
  const bool v6 = v[1] == 2 && v.size() >= 20;
  std::uint8_t addr[16];
  for (int i = 0; i < (v6 ? 16 : 4); ++i) addr[i] = v[4 + i] ^ m[4 + i];  // cookie, then tid
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, addr, text, sizeof text);
  return v6 ? "[" + std::string(text) + "]:" + std::to_string(port)
            : std::string(text) + ":" + std::to_string(port);
}

// The long-term credential key: MD5(username ":" realm ":" password).
Bytes long_term_key(const std::string& user, const std::string& realm, const std::string& pass) {
  const std::string s = user + ":" + realm + ":" + pass;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_Digest(s.data(), s.size(), md, &md_len, EVP_md5(), nullptr);
  return Bytes(md, md + md_len);
}

Bytes requested_transport_udp() { return attribute(kRequestedTransport, Bytes{17, 0, 0, 0}); }

}  // namespace

std::string TurnAnswer::describe() const {
  if (!answered) return "no answer";
  if (is_success) return "success";
  return "error " + std::to_string(error_code) + " " + reason;
}

TurnClient::TurnClient(const std::string& host, int port, std::string username,
                       std::string password, std::chrono::milliseconds timeout)
    : username_(std::move(username)), password_(std::move(password)), timeout_(timeout) {
  sockaddr_storage to{};
  socklen_t to_len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&to);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&to);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    to_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    to_len = sizeof *v6;
  } else {
    throw std::runtime_error("TurnClient: not an IP address: " + host);
  }
  fd_ = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("TurnClient: cannot create a UDP socket");
  if (connect(fd_, reinterpret_cast<sockaddr*>(&to), to_len) != 0) {
    close(fd_);
    throw std::runtime_error("TurnClient: cannot connect to " + host);
  }
}

TurnClient::~TurnClient() {
  // Free the relay port at once rather than when the allocation times out.
  if (!relayed_.empty())
    authenticated(kRefresh, [](const Bytes&) {
      return std::vector<Bytes>{attribute(kLifetime, Bytes{0, 0, 0, 0})};
    });
  close(fd_);
}

Bytes TurnClient::transact(const Bytes& req) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  // UDP may drop a datagram: send again every 250 ms until the answer or the deadline.
  while (std::chrono::steady_clock::now() < deadline) {
    if (send(fd_, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) return {};
    const auto resend =
        std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(250));
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          resend - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) != 1) break;
      Bytes buf(2048);
      const ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
      if (n < 0) return {};  // ECONNREFUSED: nobody listens
      buf.resize(static_cast<std::size_t>(n));
      // An answer to an earlier copy of another request is skipped: ours has our id.
      if (buf.size() >= 20 && std::equal(req.begin() + 4, req.begin() + 20, buf.begin() + 4))
        return buf;
    }
  }
  return {};
}

TurnAnswer TurnClient::authenticated(std::uint16_t method, const AttributesFor& attributes,
                                     Bytes* response) {
  TurnAnswer a;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const Bytes id = new_transaction_id();
    std::vector<Bytes> all = attributes(id);
    all.push_back(attribute(kUsername, username_));
    all.push_back(attribute(kRealm, realm_));
    all.push_back(attribute(kNonce, nonce_));
    Bytes req = request(method, id, all);
    add_integrity(req, long_term_key(username_, realm_, password_));
    const Bytes res = transact(req);
    a = answer_of(res, method);
    if (response) *response = res;
    if (a.error_code != 438) return a;
    // 438 Stale Nonce: the answer carries a new one; try once more with it.
    nonce_ = text_attribute(res, kNonce);
  }
  return a;
}

TurnAnswer TurnClient::allocate(int family) {
  std::vector<Bytes> attrs{requested_transport_udp()};
  if (family == AF_INET6) attrs.push_back(attribute(kRequestedAddressFamily, Bytes{2, 0, 0, 0}));
  // The first request carries no credentials: the 401 answer names the realm and a nonce.
  const Bytes res = transact(request(kAllocate, new_transaction_id(), attrs));
  TurnAnswer a = answer_of(res, kAllocate);
  if (!a.answered || a.error_code != 401) return a;
  realm_ = text_attribute(res, kRealm);
  nonce_ = text_attribute(res, kNonce);
  Bytes granted;
  a = authenticated(
      kAllocate, [&](const Bytes&) { return attrs; }, &granted);
  if (a.success())
    if (const auto relayed = find_attribute(granted, kXorRelayedAddress))
      relayed_ = decode_xor_address(*relayed, granted);
  return a;
}

TurnAnswer TurnClient::create_permission(const std::string& peer_ip, int peer_port) {
  // XOR-PEER-ADDRESS is masked with the transaction id (IPv6): built per attempt.
  return authenticated(kCreatePermission, [&](const Bytes& id) {
    return std::vector<Bytes>{attribute(kXorPeerAddress, xor_address(peer_ip, peer_port, id))};
  });
}

}  // namespace shotcall::test
