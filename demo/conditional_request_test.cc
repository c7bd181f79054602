#include "demo/conditional_request.h"

#include <catch2/catch.hpp>

namespace gleaner::demo {
namespace {

constexpr int64_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST_CASE("HTTP-dates are written as IMF-fixdate and read in all three forms", "[fixture]") {
  CHECK(HttpDate(kRfcExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(HttpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(HttpDate(1709164800) == "Thu, 29 Feb 2024 00:00:00 GMT");
  CHECK(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == kRfcExample);
  CHECK(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT") == kRfcExample);
  CHECK(ParseHttpDate("Sun Nov  6 08:49:37 1994") == kRfcExample);
  CHECK(ParseHttpDate(HttpDate(1709164800)) == 1709164800);
  // Not dates: wrong zone, impossible day, trailing text, lowercase month.
  CHECK_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(ParseHttpDate("Fri, 30 Feb 2024 00:00:00 GMT"));
  CHECK_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT, x"));
  CHECK_FALSE(ParseHttpDate("Sun, 06 nov 1994 08:49:37 GMT"));
  CHECK_FALSE(ParseHttpDate(""));
}

TEST_CASE("If-None-Match uses the weak comparison over a list", "[fixture]") {
  const std::string etag = "\"abc\"";
  CHECK(IfNoneMatchMatches("\"abc\"", etag));
  CHECK(IfNoneMatchMatches("W/\"abc\"", etag));  // weak comparison ignores W/
  CHECK(IfNoneMatchMatches("\"x\", W/\"abc\"", etag));
  CHECK(IfNoneMatchMatches("\"x\",\"abc\"", etag));
  CHECK(IfNoneMatchMatches("*", etag));
  CHECK(IfNoneMatchMatches("*", ""));  // any current representation
  CHECK_FALSE(IfNoneMatchMatches("\"abcd\"", etag));
  CHECK_FALSE(IfNoneMatchMatches("abc", etag));  // unquoted: not an entity-tag
  CHECK_FALSE(IfNoneMatchMatches("\"abc\"", ""));
  // A comma inside an opaque-tag is part of it.
  CHECK(IfNoneMatchMatches("\"a,b\"", "\"a,b\""));
  CHECK_FALSE(IfNoneMatchMatches("\"a,b\"", "\"a\""));
  // A malformed member ends the list.
  CHECK_FALSE(IfNoneMatchMatches("junk, \"abc\"", etag));
}

TEST_CASE("If-None-Match decides over If-Modified-Since", "[fixture]") {
  Validators v{"\"abc\"", kRfcExample};
  const std::string at = HttpDate(kRfcExample);
  const std::string before = HttpDate(kRfcExample - 1);
  CHECK(IsNotModified("\"abc\"", std::nullopt, v));
  CHECK_FALSE(IsNotModified("\"old\"", std::nullopt, v));
  CHECK(IsNotModified(std::nullopt, at, v));
  CHECK(IsNotModified(std::nullopt, HttpDate(kRfcExample + 60), v));
  CHECK_FALSE(IsNotModified(std::nullopt, before, v));
  CHECK_FALSE(IsNotModified(std::nullopt, "yesterday", v));
  CHECK_FALSE(IsNotModified("\"old\"", at, v));  // If-Modified-Since ignored
  CHECK(IsNotModified("\"abc\"", before, v));
  CHECK_FALSE(IsNotModified(std::nullopt, std::nullopt, v));
}

}  // namespace
}  // namespace gleaner::demo
