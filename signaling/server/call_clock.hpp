// The clock the pairing core reads in the server: wall-clock milliseconds, which a shared runner
// freezes for the length of one store transaction, so the channel id the core proposes while
// naming its needs is the one it creates. Alone nothing freezes it.
#pragma once

#include <glib.h>

#include <cstdint>
#include <optional>

namespace shotcall::server {

class CallClock {
 public:
  std::int64_t now_ms() const {
    return frozen_ ? *frozen_ : static_cast<std::int64_t>(g_get_real_time() / 1000);
  }
  void freeze(std::int64_t ms) { frozen_ = ms; }
  void thaw() { frozen_.reset(); }

 private:
  std::optional<std::int64_t> frozen_;
};

}  // namespace shotcall::server
