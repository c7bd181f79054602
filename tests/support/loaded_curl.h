// The process's libcurl for tests that make HTTP requests of their own
// (common/curl_library.h): loaded by the first call, and the test fails
// (REQUIRE) with the loader's message when it cannot be. Header-only: the
// including test links Catch2 and gleaner_curl. Thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include "common/curl_library.h"

namespace gleaner::testing {

inline const CurlLibrary& LoadedCurl() {
  const CurlLibrary* curl = nullptr;
  const Status loaded = SharedCurl(&curl);
  INFO(loaded.ToString());
  REQUIRE(loaded.ok());
  return *curl;
}

}  // namespace gleaner::testing
