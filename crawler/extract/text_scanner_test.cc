#include "crawler/extract/text_scanner.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {

TEST_CASE("scanner errors name the language, the text, what was expected and the offset") {
  TextScanner in("json path", "$.a[");
  REQUIRE(in.Consume("$.a"));
  CHECK(in.Error("']'").message() == "json path '$.a[': expected ']' at offset 3");
  CHECK(in.Error("']'").IsInvalidArgument());
}

TEST_CASE("a quoted string takes escaped characters literally and ends past its quote") {
  TextScanner in("css selector", R"('it\'s \\ here'])");
  std::string value;
  REQUIRE(in.QuotedString(&value).ok());
  CHECK(value == R"(it's \ here)");
  CHECK(in.rest() == "]");
}

TEST_CASE("an unclosed quoted string is reported at the end of the text") {
  TextScanner in("css selector", R"("open\")");
  std::string value;
  CHECK(in.QuotedString(&value).message() ==
        R"(css selector '"open\"': expected closing " at offset 7)");
}

TEST_CASE("an integer over its maximum is refused where it starts, left unread") {
  TextScanner in("css selector", "x2000000)");
  in.Next();
  int64_t n = 0;
  CHECK(in.Integer("a number up to 1000000", &n, 1'000'000).message() ==
        "css selector 'x2000000)': expected a number up to 1000000 at offset 1");
  CHECK(in.pos() == 1);
  TextScanner negative("json path", "-12]");
  REQUIRE(negative.Integer("an integer index", &n).ok());
  CHECK(n == -12);
  CHECK(negative.rest() == "]");
}

TEST_CASE("take-while stops at the first character refused, and at the end") {
  TextScanner in("json path", "  abc");
  CHECK(in.TakeWhile([](char c) { return c == ' '; }) == "  ");
  CHECK(in.TakeWhile([](char c) { return c != '.'; }) == "abc");
  CHECK(in.AtEnd());
  CHECK(in.TakeWhile([](char) { return true; }).empty());
}

}  // namespace gleaner::crawler
