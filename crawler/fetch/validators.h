// Validators: what a conditional GET sends back of a URL's last response --
// its ETag as If-None-Match, its Last-Modified as If-Modified-Since (RFC 9110
// section 13.1) -- so that an unchanged page costs a 304 and no body. The
// values come from a server: one is kept or sent only when it is at most
// kMaxValidatorBytes and holds no CR, LF or NUL, so none can add a header line
// of its own or bloat every frontier entry. Plain values and pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

inline constexpr size_t kMaxValidatorBytes = 1024;

struct Validators {
  std::string etag;           // as received: strong "\"x\"" or weak "W/\"x\""
  std::string last_modified;  // as received: an HTTP-date, never parsed here
  bool empty() const { return etag.empty() && last_modified.empty(); }
};

// Whether `value` may be stored and sent back as a validator.
bool IsSafeValidator(std::string_view value);

// Takes `header` into *validators when it is an ETag or Last-Modified (names
// lowercase, as HttpFetcher keeps them) that is safe and the first of its name.
void TakeValidator(const v1::Header& header, Validators* validators);

// The validators among a response's kept headers (FetchResult::headers, a
// stored Page's headers), each "" when absent or not safe.
template <typename Headers>
Validators ValidatorsOf(const Headers& headers) {
  Validators validators;
  for (const v1::Header& header : headers) TakeValidator(header, &validators);
  return validators;
}

// The request header lines that make a GET conditional on `validators`, the
// unsafe ones left out. Both fields go out when both are known: a server that
// evaluates If-None-Match ignores If-Modified-Since (RFC 9110 13.1.3), and one
// that has only dates still gets one (RFC 9111 4.3.1 asks a cache to send
// both). The ETag goes as stored, weak or strong: for a GET the server uses
// the weak comparison (RFC 9110 13.1.2), so it decides.
std::vector<std::string> ConditionalHeaders(const Validators& validators);

// Whether a request header line ("Name: value") is If-None-Match or
// If-Modified-Since, whoever set it.
bool IsConditionalHeader(std::string_view line);

}  // namespace gleaner::crawler
