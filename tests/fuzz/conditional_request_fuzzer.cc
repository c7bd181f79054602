// The demo site's conditional-request parsers (demo/conditional_request.h),
// which judge what a crawler sends when it revisits. Input: an entity-tag, a
// newline, an If-None-Match field value, a newline, an HTTP-date. Properties:
// a parsed date prints as IMF-fixdate and reads back the same; the weak
// comparison ignores a W/ on the representation's tag, and a valid member put
// before a list does not change a match; IsNotModified follows If-None-Match
// when it is present and else the date, at second granularity.
#include <optional>
#include <string>

#include "demo/conditional_request.h"
#include "tests/fuzz/fuzz_support.h"

using namespace gleaner::demo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [etag_view, rest] = gleaner::fuzz::SplitFirstLine(gleaner::fuzz::AsText(data, size));
  auto [field_view, date_view] = gleaner::fuzz::SplitFirstLine(rest);
  const std::string etag(etag_view), field(field_view), date(date_view);

  std::optional<int64_t> since = ParseHttpDate(date);
  if (since) {
    const std::string printed = HttpDate(*since);
    FUZZ_CHECK(printed.size() == 29, "'%s' printed as '%s'", date.c_str(), printed.c_str());
    FUZZ_CHECK(ParseHttpDate(printed) == since, "'%s' printed as '%s' reads back otherwise",
               date.c_str(), printed.c_str());
  }

  const bool matches = IfNoneMatchMatches(field, etag);
  const std::string bare = etag.starts_with("W/") ? etag.substr(2) : etag;
  // (One W/ is the weak indicator; a second would be part of a malformed tag.)
  FUZZ_CHECK(bare.starts_with("W/") || (IfNoneMatchMatches(field, bare) == matches &&
                                        IfNoneMatchMatches(field, "W/" + bare) == matches),
             "W/ on the tag changed the weak comparison: '%s' vs '%s'", field.c_str(),
             etag.c_str());
  FUZZ_CHECK(IfNoneMatchMatches("\"x-other\", " + field, etag) == (matches || bare == "\"x-other\""),
             "a member before the list changed the match: '%s' vs '%s'", field.c_str(),
             etag.c_str());
  FUZZ_CHECK(IfNoneMatchMatches("*", etag), "'*' did not match '%s'", etag.c_str());

  // Last-Modified one second either side of the date, or at it.
  const int64_t last_modified = since.value_or(0) + static_cast<int64_t>(size % 3) - 1;
  const Validators validators{etag, last_modified};
  FUZZ_CHECK(IsNotModified(field, date, validators) == matches,
             "If-None-Match '%s' did not decide alone", field.c_str());
  FUZZ_CHECK(IsNotModified(std::nullopt, date, validators) == (since && last_modified <= *since),
             "If-Modified-Since '%s' misjudged against %lld", date.c_str(),
             static_cast<long long>(last_modified));
  FUZZ_CHECK(!IsNotModified(std::nullopt, std::nullopt, validators), "no condition gave a 304");
  return 0;
}
