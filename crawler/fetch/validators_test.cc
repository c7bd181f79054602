// What of a server's ETag and Last-Modified is kept and sent back: values as
// received, within the length bound, never one that could start a header
// line of its own.
#include "crawler/fetch/validators.h"

#include <catch2/catch.hpp>

using namespace gleaner;
using namespace gleaner::crawler;

namespace {

v1::Header Header(const std::string& name, const std::string& value) {
  v1::Header h;
  h.set_name(name);
  h.set_value(value);
  return h;
}

}  // namespace

TEST_CASE("validators with CR, LF or NUL, empty or over the bound are neither kept nor sent") {
  CHECK(IsSafeValidator("\"abc\""));
  CHECK(IsSafeValidator("W/\"abc\""));
  CHECK(IsSafeValidator("Sun, 06 Nov 1994 08:49:37 GMT"));
  CHECK(IsSafeValidator(std::string(kMaxValidatorBytes, 'e')));
  CHECK_FALSE(IsSafeValidator(std::string(kMaxValidatorBytes + 1, 'e')));
  CHECK_FALSE(IsSafeValidator(""));
  CHECK_FALSE(IsSafeValidator("\"a\"\r\nX-Injected: 1"));
  CHECK_FALSE(IsSafeValidator("\"a\"\nX-Injected: 1"));
  CHECK_FALSE(IsSafeValidator("\"a\"\rX"));
  CHECK_FALSE(IsSafeValidator(std::string("\"a\0b\"", 5)));

  std::vector<v1::Header> headers = {Header("etag", "\"a\"\r\nX-Injected: 1"),
                                     Header("last-modified", std::string(2000, 'd')),
                                     Header("content-type", "text/html")};
  CHECK(ValidatorsOf(headers).empty());
  CHECK(ConditionalHeaders({"\"a\"\r\nX-Injected: 1", std::string(2000, 'd')}).empty());
  // The safe one of the two still goes out.
  CHECK(ConditionalHeaders({"\"a\"\nX: 1", "Sun, 06 Nov 1994 08:49:37 GMT"}) ==
        std::vector<std::string>{"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"});
}

TEST_CASE("validators are read from kept response headers and sent back as received") {
  std::vector<v1::Header> headers = {Header("content-type", "text/html"),
                                     Header("etag", "W/\"v1\""),
                                     Header("last-modified", "Sun, 06 Nov 1994 08:49:37 GMT"),
                                     Header("etag", "\"second\"")};
  Validators v = ValidatorsOf(headers);
  CHECK(v.etag == "W/\"v1\"");  // the first of its name
  CHECK(v.last_modified == "Sun, 06 Nov 1994 08:49:37 GMT");
  // A weak ETag goes out weak: for a GET the server compares weakly.
  CHECK(ConditionalHeaders(v) ==
        std::vector<std::string>{"If-None-Match: W/\"v1\"",
                                 "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"});
  CHECK(ConditionalHeaders({}).empty());

  CHECK(IsConditionalHeader("If-None-Match: \"x\""));
  CHECK(IsConditionalHeader("if-modified-since: Sun, 06 Nov 1994 08:49:37 GMT"));
  CHECK_FALSE(IsConditionalHeader("If-Match: \"x\""));
  CHECK_FALSE(IsConditionalHeader("X-If-None-Match: \"x\""));
}
