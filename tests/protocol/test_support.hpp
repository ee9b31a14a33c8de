// Small helpers the codec tests share.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "signaling/protocol/codec.hpp"

namespace shotcall::protocol::testing {

inline std::string describe(const DecodeError& e) {
  return std::string{to_wire(e.code)} + ": " + e.message + " (re=" + e.re.value_or("-") +
         ", id=" + e.id.value_or("-") + ")";
}

// The decoded message, or a test failure naming the error.
template <typename T>
T expect_ok(const Decoded<T>& decoded) {
  if (const auto* e = std::get_if<DecodeError>(&decoded)) {
    ADD_FAILURE() << "unexpected decode error " << describe(*e);
    return T{};
  }
  return std::get<T>(decoded);
}

// The error, or a test failure when the frame decoded.
template <typename T>
DecodeError expect_error(const Decoded<T>& decoded) {
  if (const auto* e = std::get_if<DecodeError>(&decoded)) return *e;
  ADD_FAILURE() << "frame decoded but should have failed";
  return DecodeError{};
}

}  // namespace shotcall::protocol::testing
