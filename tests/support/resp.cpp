#include "tests/support/resp.hpp"

#include <stdexcept>

namespace shotcall::test {

std::string resp_request(const std::vector<std::string>& args) {
  std::string request = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) request += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return request;
}

std::string RespReader::reply() {
  const std::string head = line();
  if (head.empty()) throw std::runtime_error("empty RESP reply");
  const std::string rest = head.substr(1);
  switch (head[0]) {
    case '+':
      return rest;
    case '-':
      return head;  // keep the '-' so errors cannot pass for values
    case ':':
      return rest;
    case '$': {
      const long len = std::stol(rest);
      if (len < 0) return "(nil)";
      std::string body = bytes(static_cast<std::size_t>(len) + 2);
      return body.substr(0, static_cast<std::size_t>(len));
    }
    case '*': {
      const long n = std::stol(rest);
      if (n < 0) return "(nil)";
      std::string out;
      for (long i = 0; i < n; ++i) out += (i ? "\n" : "") + reply();
      return out;
    }
    default:
      throw std::runtime_error("not a RESP reply: " + head);
  }
}

std::vector<std::string> RespReader::elements() {
  const std::string head = line();
  if (head.empty() || head[0] != '*') throw std::runtime_error("not a RESP array: " + head);
  const long n = std::stol(head.substr(1));
  std::vector<std::string> out;
  for (long i = 0; i < n; ++i) out.push_back(reply());
  return out;
}

std::string RespReader::line() {
  std::size_t end;
  while ((end = buf_.find("\r\n")) == std::string::npos) fill();
  std::string l = buf_.substr(0, end);
  buf_.erase(0, end + 2);
  return l;
}

std::string RespReader::bytes(std::size_t n) {
  while (buf_.size() < n) fill();
  std::string b = buf_.substr(0, n);
  buf_.erase(0, n);
  return b;
}

void RespReader::fill() {
  if (!tcp_.read_some(&buf_)) throw std::runtime_error("Redis closed the connection");
}

}  // namespace shotcall::test
