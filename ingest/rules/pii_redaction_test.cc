#include "ingest/rules/pii_redaction.h"

#include <catch2/catch.hpp>

namespace gleaner::rules {
namespace {

std::string Masked(std::string text,
                   std::vector<PiiPattern> patterns = {PiiPattern::kEmail, PiiPattern::kPhone}) {
  PiiRedactor redactor(patterns, RedactMode::kMask, "");
  redactor.Redact(&text);
  return text;
}

TEST_CASE("HmacSha256Hex matches RFC 4231 test case 2") {
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("MaskCodePoints keeps the length in code points") {
  std::string s = "José";
  MaskCodePoints(&s);
  CHECK(s == "****");
  s.clear();
  MaskCodePoints(&s);
  CHECK(s.empty());
}

TEST_CASE("e-mail addresses are found in text") {
  CHECK(Masked("write to bob.smith+news@mail.example.co.uk today") == "write to [email] today");
  CHECK(Masked("a@b.io, c_d@e-f.com") == "[email], [email]");
  CHECK(Masked("not@an-address, user@localhost, @handle, a@b.c") ==
        "not@an-address, user@localhost, @handle, a@b.c");
}

TEST_CASE("phone numbers are found in text") {
  CHECK(Masked("call +1 (555) 123-4567 now") == "call [phone] now");
  CHECK(Masked("+44 20 7946 0958") == "[phone]");
  CHECK(Masked("+4915112345678") == "[phone]");
  CHECK(Masked("(555) 123-4567 or 555.123.4567 or 555-123-4567") ==
        "[phone] or [phone] or [phone]");
  CHECK(Masked("tel 020 7946 0958") == "tel [phone]");
  CHECK(Masked("01 23 45 67 89") == "[phone]");
}

TEST_CASE("prices, dates and ids are not phone numbers") {
  for (const char* text : {"$1,234.50", "1.234.567,89 EUR", "12345678.90", "2024-03-01",
                           "01/03/2024 12:30", "ISBN 978-3-16-148410-0", "order 1234567890",
                           "+3.5e2", "1,234,567", "v1.2.3", "+12 34", "2024-03-01T12:30:45Z"}) {
    INFO(text);
    CHECK(Masked(text) == text);
  }
}

TEST_CASE("only the configured patterns are redacted") {
  const std::string text = "bob@example.com 555-123-4567";
  CHECK(Masked(text, {PiiPattern::kEmail}) == "[email] 555-123-4567");
  CHECK(Masked(text, {PiiPattern::kPhone}) == "bob@example.com [phone]");
}

TEST_CASE("hash mode replaces each match by its HMAC") {
  PiiRedactor redactor({PiiPattern::kEmail}, RedactMode::kHash, "Jefe");
  std::string text = "from what do ya want for nothing? to x@example.org";
  CHECK(redactor.Redact(&text));
  CHECK(text == "from what do ya want for nothing? to " + HmacSha256Hex("Jefe", "x@example.org"));
  std::string clean = "nothing here";
  CHECK_FALSE(redactor.Redact(&clean));
  CHECK(clean == "nothing here");
}

}  // namespace
}  // namespace gleaner::rules
