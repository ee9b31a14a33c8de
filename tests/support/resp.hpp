// Redis's wire protocol (RESP2) for tests that talk to a real redis-server over BlockingTcp:
// one request, and replies read as they arrive (a subscriber reads one per message).
#pragma once

#include <string>
#include <vector>

#include "tests/support/blocking_tcp.hpp"

namespace shotcall::test {

// A command as Redis reads it: an array of bulk strings.
std::string resp_request(const std::vector<std::string>& args);

// Reads replies from `tcp`, as much of the stream as each takes; throws std::runtime_error on a
// malformed reply or when Redis closes the connection.
class RespReader {
 public:
  explicit RespReader(BlockingTcp& tcp) : tcp_(tcp) {}

  // One reply flattened to text: +OK → "OK", -ERR x → "-ERR x", :5 → "5", bulk → its bytes,
  // nil → "(nil)", arrays → elements joined by '\n'.
  std::string reply();
  // One array reply's elements, each flattened as above (a message on a subscribed connection).
  std::vector<std::string> elements();

 private:
  std::string line();
  std::string bytes(std::size_t n);
  void fill();

  BlockingTcp& tcp_;
  std::string buf_;
};

}  // namespace shotcall::test
