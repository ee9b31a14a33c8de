// Who may open a WebSocket: a global cap and a cap per client address (an IPv6 client's /64,
// address_group). Pure bookkeeping; the shell asks before the handshake and holds a slot for as
// long as the connection lives.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace shotcall::server {

enum class Admit { Yes, ServerFull, AddressFull, Draining };

class Admission {
 public:
  // `per_address` 0 means no per-address limit.
  Admission(std::size_t max_total, std::size_t per_address)
      : max_total_(max_total), per_address_(per_address) {}

  // Whether a new connection from `address` would be let in now (takes nothing).
  Admit check(std::string_view address) const;
  // Takes a slot when check() says Yes.
  Admit acquire(const std::string& address);
  // Gives back a slot taken by acquire(). Unknown addresses are ignored.
  void release(const std::string& address);
  // From now on every check fails with Draining (the server is shutting down).
  void drain() { draining_ = true; }
  bool draining() const { return draining_; }

  std::size_t total() const { return total_; }
  std::size_t from(std::string_view address) const;

 private:
  std::size_t max_total_;
  std::size_t per_address_;
  std::size_t total_ = 0;
  bool draining_ = false;
  std::unordered_map<std::string, std::size_t> by_address_;  // only groups with slots
};

}  // namespace shotcall::server
