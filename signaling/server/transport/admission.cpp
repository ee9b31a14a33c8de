#include "signaling/server/transport/admission.hpp"

#include "signaling/server/transport/client_address.hpp"

namespace shotcall::server {

std::size_t Admission::from(std::string_view address) const {
  auto it = by_address_.find(address_group(address));
  return it == by_address_.end() ? 0 : it->second;
}

Admit Admission::check(std::string_view address) const {
  if (draining_) return Admit::Draining;
  if (total_ >= max_total_) return Admit::ServerFull;
  if (per_address_ != 0 && from(address) >= per_address_) return Admit::AddressFull;
  return Admit::Yes;
}

Admit Admission::acquire(const std::string& address) {
  const Admit verdict = check(address);
  if (verdict == Admit::Yes) {
    ++total_;
    ++by_address_[address_group(address)];
  }
  return verdict;
}

void Admission::release(const std::string& address) {
  auto it = by_address_.find(address_group(address));
  if (it == by_address_.end()) return;
  --total_;
  // Erase at zero so the map holds only live addresses and cannot grow without bound.
  if (--it->second == 0) by_address_.erase(it);
}

}  // namespace shotcall::server
