#include "signaling/store/identity_store_factory.hpp"

#include "signaling/store/pg_identity_store.hpp"
#include "signaling/store/sqlite_identity_store.hpp"

namespace shotcall::store {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::unique_ptr<IdentityStore> open_identity_store(const std::string& spec, std::string& error) {
  if (starts_with(spec, "sqlite:")) {
    const std::string path = spec.substr(7);
    if (path.empty()) {
      error = "identity database \"sqlite:\" names no file: use sqlite:/path/to/identity.db";
      return nullptr;
    }
    // The server calls the store on its main loop: a write waiting for another process's lock
    // (an operator's `identity unbind`, a backup) stalls every connection, so wait briefly.
    return SqliteIdentityStore::open(path, error, std::chrono::milliseconds(500));
  }
  if (starts_with(spec, "postgresql://") || starts_with(spec, "postgres://"))
    return PgIdentityStore::open(spec, error);
  error = "identity database \"" + spec.substr(0, spec.find(':')) +
          "…\" is neither sqlite:PATH nor a postgresql:// (or postgres://) URL";
  return nullptr;
}

}  // namespace shotcall::store
