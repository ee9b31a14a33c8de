// What the relay tests share: they need Debian's coturn, which CI must have and a developer's
// machine may lack.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tests/support/coturn_process.hpp"
#include "tests/support/netns.hpp"

// coturn missing: a failure in CI (it must be installed there), a skip on a developer's machine.
// A macro because FAIL() and GTEST_SKIP() must return from the test body itself.
#define REQUIRE_COTURN()                                                                    \
  do {                                                                                      \
    if (::shotcall::test::CoturnProcess::binary_path().empty()) {                           \
      if (::shotcall::test::running_in_ci())                                                \
        FAIL() << "turnserver (coturn) is not installed: scripts/install-deps installs it"; \
      GTEST_SKIP() << "turnserver (coturn) is not installed";                               \
    }                                                                                       \
  } while (0)
