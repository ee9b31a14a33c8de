// Opens the identity database an operator named (`--identity-db SPEC`).
#pragma once

#include <memory>
#include <string>

#include "signaling/store/identity_store.hpp"

namespace shotcall::store {

// `sqlite:PATH` opens (creating) the SQLite file at PATH; `postgresql://…` or `postgres://…`
// connects to PostgreSQL. Either is migrated to this build's schema. Returns nullptr with
// `error` in words for any other spec or when the database cannot be opened.
std::unique_ptr<IdentityStore> open_identity_store(const std::string& spec, std::string& error);

}  // namespace shotcall::store
