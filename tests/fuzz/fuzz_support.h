// What every fuzz target shares: viewing libFuzzer's bytes as text, splitting
// a two-part input at its first newline, a property check that reports and
// aborts (libFuzzer then saves the input as a crash artifact), and the
// contract of a YAML file parser's errors. Header-only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace gleaner::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// ("first line", "everything after its newline"); the whole input and ""
// when there is no newline.
inline std::pair<std::string_view, std::string_view> SplitFirstLine(std::string_view input) {
  size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return {input, {}};
  return {input.substr(0, newline), input.substr(newline + 1)};
}

}  // namespace gleaner::fuzz

// A property of the code under test that must hold for every input: prints
// what broke and aborts, so libFuzzer records the input.
#define FUZZ_CHECK(condition, ...)                                                  \
  do {                                                                              \
    if (!(condition)) {                                                             \
      std::fprintf(stderr, "%s:%d: property failed: %s\n  ", __FILE__, __LINE__, \
                   #condition);                                                     \
      std::fprintf(stderr, __VA_ARGS__);                                            \
      std::fprintf(stderr, "\n");                                                   \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

namespace gleaner::fuzz {

// The name fuzzed YAML files are parsed under.
inline constexpr const char* kYamlName = "fuzz.yaml";

// A YAML file parser either accepts the file or says InvalidArgument
// "fuzz.yaml:LINE:COL: ..." (common/yaml_reader.h).
inline void CheckYamlParse(const Status& s) {
  if (s.ok()) return;
  FUZZ_CHECK(s.IsInvalidArgument(), "not InvalidArgument: %s", s.ToString().c_str());
  FUZZ_CHECK(s.message().starts_with(std::string(kYamlName) + ":"),
             "the error does not name file:line:col: %s", s.message().c_str());
}

}  // namespace gleaner::fuzz
