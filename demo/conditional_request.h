// Conditional GET as an origin server evaluates it (RFC 9110 section 13): the
// validators a representation carries, HTTP-date text, and whether a GET or
// HEAD with If-None-Match / If-Modified-Since is answered 304 Not Modified.
// Pure functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gleaner::demo {

// The validators one representation is served with.
struct Validators {
  std::string etag;           // a quoted strong entity-tag, "\"...\""; "" when none is sent
  int64_t last_modified = 0;  // seconds since the Unix epoch, always sent
};

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7).
std::string HttpDate(int64_t unix_seconds);
// An HTTP-date in any of the three forms a recipient must accept (IMF-fixdate,
// RFC 850 with 00-69 read as 20xx, asctime); nullopt when `text` is none.
std::optional<int64_t> ParseHttpDate(std::string_view text);

// Whether an If-None-Match field value (every field line joined by ", ")
// names `etag` under the weak comparison GET uses (section 13.1.2: W/ prefixes
// ignored), or is "*" for a representation that exists. A malformed member
// ends the list; the members before it still count.
bool IfNoneMatchMatches(std::string_view field_value, std::string_view etag);

// Whether a GET or HEAD for a representation with `validators` is answered
// 304 (section 13.2.2): If-None-Match decides when present; otherwise an
// If-Modified-Since that is a valid date at or after Last-Modified (second
// granularity) does. Absent fields are nullopt.
bool IsNotModified(const std::optional<std::string>& if_none_match,
                   const std::optional<std::string>& if_modified_since,
                   const Validators& validators);

}  // namespace gleaner::demo
