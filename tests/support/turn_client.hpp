// A minimal TURN client (RFC 8656, formerly RFC 5766) for tests: one UDP socket, one allocation,
// long-term credentials (RFC 8489: key = MD5(username ":" realm ":" password), MESSAGE-INTEGRITY
// with HMAC-SHA1), blocking with a timeout. Enough to ask a real coturn what it would relay to:
//
//   TurnClient c("127.0.0.1", turn.port(), user, rest_password);
//   ASSERT_TRUE(c.allocate().success());             // 401 -> REALM/NONCE -> authenticated
//   EXPECT_EQ(c.create_permission("10.1.2.3").error_code, 403);
//
// CreatePermission sends nothing to the peer (the server only installs a permission), so any
// address is safe to ask about. No ChannelBind, Send or Data: this client never relays a byte.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shotcall::test {

struct TurnAnswer {
  bool answered = false;  // false: no response before the timeout (or a socket error)
  bool is_success = false;
  int error_code = 0;  // ERROR-CODE of an error response (class * 100 + number), else 0
  std::string reason;  // its reason phrase
  bool success() const { return answered && is_success; }
  // "success", "error 403 Forbidden IP", "no answer": for failure messages.
  std::string describe() const;
};

class TurnClient {
 public:
  // `host` is an IPv4 or IPv6 literal. Throws std::runtime_error if the socket cannot be made.
  TurnClient(const std::string& host, int port, std::string username, std::string password,
             std::chrono::milliseconds timeout = std::chrono::seconds(3));
  ~TurnClient();  // releases the allocation (Refresh, LIFETIME 0) if there is one
  TurnClient(const TurnClient&) = delete;
  TurnClient& operator=(const TurnClient&) = delete;

  // Allocate a UDP relay of `family` (AF_INET, or AF_INET6 with REQUESTED-ADDRESS-FAMILY): the
  // unauthenticated request, its 401 with REALM and NONCE, then the authenticated one (again
  // once with the new NONCE after a 438 Stale Nonce).
  TurnAnswer allocate(int family = AF_INET);
  // The XOR-RELAYED-ADDRESS of a successful allocation ("127.0.0.1:49160", "[::1]:49160").
  const std::string& relayed_address() const { return relayed_; }

  // CreatePermission for XOR-PEER-ADDRESS `peer_ip` (IPv4 or IPv6 literal) on port `peer_port`
  // (permissions ignore the port). Needs a successful allocate(); a 438 is retried once.
  TurnAnswer create_permission(const std::string& peer_ip, int peer_port = 3478);

 private:
  // One request/response transaction: retransmitted until the answer with its id or the timeout.
  std::vector<std::uint8_t> transact(const std::vector<std::uint8_t>& request);
  // A request with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY after `attributes` (made for
  // each transaction id), sent again once after a 438 Stale Nonce. `response`: the last answer.
  using AttributesFor =
      std::function<std::vector<std::vector<std::uint8_t>>(const std::vector<std::uint8_t>& id)>;
  TurnAnswer authenticated(std::uint16_t method, const AttributesFor& attributes,
                           std::vector<std::uint8_t>* response = nullptr);

  int fd_ = -1;
  std::string username_;
  std::string password_;
  std::chrono::milliseconds timeout_;
  std::string realm_;
  std::string nonce_;
  std::string relayed_;
};

}  // namespace shotcall::test
