#include "crawler/url/percent_encoding.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

TEST_CASE("escaped unreserved characters are decoded in every set") {
  CHECK(NormalizePercentEncoding("%7Euser%2d%2E%5f%41%7a%30", EncodeSet::kPath) == "~user-._Az0");
  CHECK(NormalizePercentEncoding("%7e", EncodeSet::kSpaceAndControls) == "~");
}

TEST_CASE("escaped reserved characters keep their escape with upper-case hex") {
  CHECK(NormalizePercentEncoding("a%2fb%3db%c3%a9", EncodeSet::kPathAndQuery) == "a%2Fb%3Db%C3%A9");
}

TEST_CASE("a stray percent sign is data and gets encoded") {
  CHECK(NormalizePercentEncoding("100%", EncodeSet::kPath) == "100%25");
  CHECK(NormalizePercentEncoding("%zz%4", EncodeSet::kPath) == "%25zz%254");
}

TEST_CASE("bytes a path may not hold literally are encoded") {
  CHECK(NormalizePercentEncoding("/my file\"<>|", EncodeSet::kPath) == "/my%20file%22%3C%3E%7C");
  CHECK(NormalizePercentEncoding("caf\xC3\xA9", EncodeSet::kPath) == "caf%C3%A9");
  CHECK(NormalizePercentEncoding("/a?b", EncodeSet::kPath) == "/a%3Fb");
  CHECK(NormalizePercentEncoding("/a?b=c/d", EncodeSet::kPathAndQuery) == "/a?b=c/d");
}

TEST_CASE("a user name or password keeps sub-delimiters but not ':', '@' or '/'") {
  CHECK(NormalizePercentEncoding("a:b@c/d!$&'()*+,;=~\xA1", EncodeSet::kUserinfo) ==
        "a%3Ab%40c%2Fd!$&'()*+,;=~%A1");
}

TEST_CASE("sub-delimiters and robots wildcards stay literal") {
  CHECK(NormalizePercentEncoding("/*.php$;a=1,b+c!'()@:", EncodeSet::kPathAndQuery) ==
        "/*.php$;a=1,b+c!'()@:");
}

TEST_CASE("a raw URL keeps its delimiters and non-ASCII host, but not spaces") {
  CHECK(NormalizePercentEncoding("http://b\xC3\xBC"
                                 "cher.example/a b?q#f",
                                 EncodeSet::kSpaceAndControls) ==
        "http://b\xC3\xBC"
        "cher.example/a%20b?q#f");
}

TEST_CASE("normalising twice changes nothing") {
  const std::string once = NormalizePercentEncoding("/%7e a%2f%%c3\xC3", EncodeSet::kPath);
  CHECK(NormalizePercentEncoding(once, EncodeSet::kPath) == once);
}

}  // namespace
}  // namespace gleaner::crawler
