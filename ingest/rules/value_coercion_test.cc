#include "ingest/rules/value_coercion.h"

#include <catch2/catch.hpp>

namespace gleaner::rules {
namespace {

using schema::ColumnType;

double Num(std::string_view text, ParseMode mode, DecimalStyle style = DecimalStyle::kPoint) {
  double v = -999;
  REQUIRE(ParseDouble(text, mode, style, &v));
  return v;
}
bool NumFails(std::string_view text, ParseMode mode, DecimalStyle style = DecimalStyle::kPoint) {
  double v = 0;
  return !ParseDouble(text, mode, style, &v);
}
int64_t Date(std::string_view text, std::string_view format) {
  int64_t v = 0;
  REQUIRE(ParseDate(text, format, &v));
  return v;
}
bool DateFails(std::string_view text, std::string_view format) {
  int64_t v = 0;
  return !ParseDate(text, format, &v);
}

// 2024-03-01T00:00:00Z = 19783 days after the epoch.
constexpr int64_t k20240301 = 19783LL * 86400 * 1'000'000;

TEST_CASE("ParseNumber accepts grouping, signs and exponents") {
  double v = 0;
  REQUIRE(ParseNumber("1,234.5", DecimalStyle::kPoint, &v));
  CHECK(v == 1234.5);
  REQUIRE(ParseNumber("-12", DecimalStyle::kPoint, &v));
  CHECK(v == -12);
  REQUIRE(ParseNumber("+3.5e2", DecimalStyle::kPoint, &v));
  CHECK(v == 350);
  REQUIRE(ParseNumber(" 12 ", DecimalStyle::kPoint, &v));
  CHECK(v == 12);
  REQUIRE(
      ParseNumber("\xC2\xA0"
                  "1 234 567.25\xC2\xA0",
                  DecimalStyle::kPoint, &v));
  CHECK(v == 1234567.25);
  REQUIRE(ParseNumber("1.234,5", DecimalStyle::kComma, &v));
  CHECK(v == 1234.5);
  REQUIRE(ParseNumber("0,25", DecimalStyle::kComma, &v));
  CHECK(v == 0.25);
  REQUIRE(ParseNumber(".5", DecimalStyle::kPoint, &v));
  CHECK(v == 0.5);
}

TEST_CASE("ParseNumber rejects text that is not one number") {
  for (const char* bad : {"", "  ", "call us", "12abc", "1,2,3.4.5", "1,23", "12,3456", "--1", "1e",
                          "nan", "inf", "1 2", "."}) {
    INFO(bad);
    CHECK(NumFails(bad, ParseMode::kNumber));
  }
  // The comma convention reads "1,234" as a decimal, and "1.23" as bad grouping.
  CHECK(Num("1,234", ParseMode::kNumber, DecimalStyle::kComma) == 1.234);
  CHECK(NumFails("1.23", ParseMode::kNumber, DecimalStyle::kComma));
}

TEST_CASE("plain numbers allow no grouping") {
  CHECK(Num("12.5", ParseMode::kNone) == 12.5);
  CHECK(Num("-1e3", ParseMode::kNone) == -1000);
  CHECK(NumFails("1,234", ParseMode::kNone));
  CHECK(NumFails("$5", ParseMode::kNone));
}

TEST_CASE("ParseCurrency strips symbols, codes and accounting parentheses") {
  double v = 0;
  REQUIRE(ParseCurrency("$1,234.50", DecimalStyle::kPoint, &v));
  CHECK(v == 1234.5);
  REQUIRE(ParseCurrency("USD 1,234.50", DecimalStyle::kPoint, &v));
  CHECK(v == 1234.5);
  REQUIRE(ParseCurrency("1.234,50 \xE2\x82\xAC", DecimalStyle::kComma, &v));  // €
  CHECK(v == 1234.5);
  REQUIRE(ParseCurrency("1.234,50\xC2\xA0\xE2\x82\xAC", DecimalStyle::kComma, &v));  // NBSP €
  CHECK(v == 1234.5);
  REQUIRE(
      ParseCurrency("\xC2\xA3"
                    "0.99",
                    DecimalStyle::kPoint, &v));  // £
  CHECK(v == 0.99);
  REQUIRE(ParseCurrency("(12.00)", DecimalStyle::kPoint, &v));
  CHECK(v == -12);
  REQUIRE(ParseCurrency("($12.00)", DecimalStyle::kPoint, &v));
  CHECK(v == -12);
  REQUIRE(ParseCurrency("-$5", DecimalStyle::kPoint, &v));
  CHECK(v == -5);
  REQUIRE(ParseCurrency("$-5", DecimalStyle::kPoint, &v));
  CHECK(v == -5);
  REQUIRE(ParseCurrency("US$ 7", DecimalStyle::kPoint, &v));
  CHECK(v == 7);
  REQUIRE(ParseCurrency("12 EUR", DecimalStyle::kPoint, &v));
  CHECK(v == 12);
  REQUIRE(ParseCurrency("42", DecimalStyle::kPoint, &v));
  CHECK(v == 42);
}

TEST_CASE("ParseCurrency rejects what is not an amount") {
  for (const char* bad :
       {"call us", "", "12abc", "1,2,3.4.5", "$", "USD", "(-5)", "-$-5", "$1.5e3", "5$5"}) {
    INFO(bad);
    CHECK(NumFails(bad, ParseMode::kCurrency));
  }
}

TEST_CASE("ParsePercent reads percent points with or without the sign") {
  double v = 0;
  REQUIRE(ParsePercent("12.5%", DecimalStyle::kPoint, &v));
  CHECK(v == 0.125);
  REQUIRE(ParsePercent("12.5", DecimalStyle::kPoint, &v));
  CHECK(v == 0.125);
  REQUIRE(ParsePercent(" 50 % ", DecimalStyle::kPoint, &v));
  CHECK(v == 0.5);
  REQUIRE(ParsePercent("-25%", DecimalStyle::kPoint, &v));
  CHECK(v == -0.25);
  REQUIRE(ParsePercent("12,5 %", DecimalStyle::kComma, &v));
  CHECK(v == 0.125);
  CHECK(NumFails("%", ParseMode::kPercent));
  CHECK(NumFails("12%%", ParseMode::kPercent));
  CHECK(NumFails("about 12%", ParseMode::kPercent));
}

TEST_CASE("ParseInt64 takes integers exactly and integral numbers") {
  int64_t v = 0;
  REQUIRE(ParseInt64("9223372036854775807", ParseMode::kNone, DecimalStyle::kPoint, &v));
  CHECK(v == INT64_MAX);
  REQUIRE(ParseInt64("-9223372036854775808", ParseMode::kNone, DecimalStyle::kPoint, &v));
  CHECK(v == INT64_MIN);
  REQUIRE(ParseInt64("12.0", ParseMode::kNone, DecimalStyle::kPoint, &v));
  CHECK(v == 12);
  REQUIRE(ParseInt64("1e3", ParseMode::kNone, DecimalStyle::kPoint, &v));
  CHECK(v == 1000);
  REQUIRE(ParseInt64("1,234", ParseMode::kNumber, DecimalStyle::kPoint, &v));
  CHECK(v == 1234);
  REQUIRE(ParseInt64("$1,234", ParseMode::kCurrency, DecimalStyle::kPoint, &v));
  CHECK(v == 1234);
  REQUIRE(ParseInt64("100%", ParseMode::kPercent, DecimalStyle::kPoint, &v));
  CHECK(v == 1);
  CHECK_FALSE(ParseInt64("12.5", ParseMode::kNone, DecimalStyle::kPoint, &v));
  CHECK_FALSE(ParseInt64("9223372036854775808", ParseMode::kNone, DecimalStyle::kPoint, &v));
  CHECK_FALSE(ParseInt64("1,234", ParseMode::kNone, DecimalStyle::kPoint, &v));
  CHECK_FALSE(ParseInt64("12%", ParseMode::kPercent, DecimalStyle::kPoint, &v));
}

TEST_CASE("ParseBool") {
  bool v = false;
  for (const char* yes : {"true", "TRUE", "Yes", "y", "1", " Y "}) {
    INFO(yes);
    v = false;
    REQUIRE(ParseBool(yes, &v));
    CHECK(v);
  }
  for (const char* no : {"false", "False", "NO", "n", "0"}) {
    INFO(no);
    v = true;
    REQUIRE(ParseBool(no, &v));
    CHECK_FALSE(v);
  }
  for (const char* bad : {"", "2", "yep", "t", "on"}) {
    INFO(bad);
    CHECK_FALSE(ParseBool(bad, &v));
  }
}

TEST_CASE("ParseDate with ISO 8601") {
  CHECK(Date("2024-03-01", "") == k20240301);
  CHECK(Date("1970-01-01T00:00:00Z", "") == 0);
  CHECK(Date("2024-03-01T12:30", "") == k20240301 + (12 * 3600 + 30 * 60) * 1'000'000LL);
  CHECK(Date("2024-03-01 12:30:45.5Z", "") ==
        k20240301 + (12 * 3600 + 30 * 60 + 45) * 1'000'000LL + 500'000);
  // 12:30 at +02:00 is 10:30 UTC; -05:30 adds 5h30.
  CHECK(Date("2024-03-01T12:30:00+02:00", "") == k20240301 + (10 * 3600 + 30 * 60) * 1'000'000LL);
  CHECK(Date("2024-03-01T00:00:00-0530", "") == k20240301 + (5 * 3600 + 30 * 60) * 1'000'000LL);
  CHECK(Date("1969-12-31T23:59:59Z", "") == -1'000'000);
  for (const char* bad : {"yesterday", "2024-02-30", "2023-02-29", "2024-3-1", "2024-03-01T25:00",
                          "2024-03-01T12", "2024-03-01X", "20240301"}) {
    INFO(bad);
    CHECK(DateFails(bad, ""));
  }
  CHECK(Date("2024-02-29", "") == k20240301 - 86400LL * 1'000'000);
}

TEST_CASE("ParseDate with a format") {
  CHECK(Date("2024-03-01", "%Y-%m-%d") == k20240301);
  CHECK(Date("01/03/2024", "%d/%m/%Y") == k20240301);
  CHECK(Date("1/3/24", "%d/%m/%y") == k20240301);
  CHECK(Date("March 1, 2024", "%B %d, %Y") == k20240301);
  CHECK(Date("mar  1,2024", "%b %d,%Y") == k20240301);
  CHECK(Date("Fri, 01 Mar 2024 12:30:00 +0100", "%a, %d %b %Y %H:%M:%S %z") ==
        k20240301 + (11 * 3600 + 30 * 60) * 1'000'000LL);
  CHECK(Date("01/03/2024 3:05 PM", "%d/%m/%Y %I:%M %p") ==
        k20240301 + (15 * 3600 + 5 * 60) * 1'000'000LL);
  CHECK(Date("01/03/2024 12:00 am", "%d/%m/%Y %I:%M %p") == k20240301);
  CHECK(Date("100% 2024", "100%% %Y") == 19723LL * 86400 * 1'000'000);  // 2024-01-01
  CHECK(Date("12:00:00.25", "%H:%M:%S.%f") == 12 * 3600 * 1'000'000LL + 250'000);
  CHECK(DateFails("yesterday", "%Y-%m-%d"));
  CHECK(DateFails("2024-03-01 extra", "%Y-%m-%d"));
  CHECK(DateFails("2024-13-01", "%Y-%m-%d"));
  CHECK(DateFails("31/04/2024", "%d/%m/%Y"));
  CHECK(DateFails("13:00 PM", "%I:%M %p"));
}

TEST_CASE("FormatTimestamp and ValueText") {
  CHECK(FormatTimestamp(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatTimestamp(k20240301 + 1) == "2024-03-01T00:00:00.000001Z");
  CHECK(FormatTimestamp(-1'000'000) == "1969-12-31T23:59:59Z");
  std::string scratch;
  v1::Value v;
  v.set_int_value(12);
  CHECK(ValueText(v, &scratch) == "12");
  v.set_double_value(0.1);
  CHECK(ValueText(v, &scratch) == "0.1");
  v.set_bool_value(true);
  CHECK(ValueText(v, &scratch) == "true");
  v.set_json_value(R"({"a": 1})");
  CHECK(ValueText(v, &scratch) == R"({"a": 1})");
  v.set_timestamp_micros(0);
  CHECK(ValueText(v, &scratch) == "1970-01-01T00:00:00Z");
  v.clear_kind();
  CHECK(ValueText(v, &scratch).empty());
}

TEST_CASE("NormalizeText trims, collapses and folds case") {
  std::string out;
  NormalizeText("\xC2\xA0 Hello \t  World \xC2\xA0", {.trim = true}, &out);
  CHECK(out == "Hello \t  World");
  NormalizeText(" a \xC2\xA0\n b  ", {.collapse_whitespace = true}, &out);
  CHECK(out == "a b");
  NormalizeText("Crème BRÛLÉE", {.case_fold = CaseFold::kLower}, &out);
  CHECK(out == "crème brûlée");
  NormalizeText("Crème brûlée ×", {.case_fold = CaseFold::kUpper}, &out);
  CHECK(out == "CRÈME BRÛLÉE ×");
  NormalizeText(" x ", {}, &out);
  CHECK(out == " x ");
  CHECK(CodePointCount("José") == 4);
  CHECK(CodePointCount("日本") == 2);
}

TEST_CASE("CoerceValue from typed JSON values") {
  v1::Value in, out;
  const CoercionSpec int_spec{ColumnType::kInt64};
  in.set_double_value(3.0);
  REQUIRE(CoerceValue(in, "3", int_spec, &out));
  CHECK(out.int_value() == 3);
  in.set_double_value(3.5);
  CHECK_FALSE(CoerceValue(in, "3.5", int_spec, &out));
  in.set_bool_value(true);
  CHECK_FALSE(CoerceValue(in, "true", int_spec, &out));

  in.set_int_value(7);
  REQUIRE(CoerceValue(in, "7", {ColumnType::kDouble}, &out));
  CHECK(out.double_value() == 7.0);
  REQUIRE(CoerceValue(in, "7", {ColumnType::kString}, &out));
  CHECK(out.string_value() == "7");
  in.set_int_value(1);
  REQUIRE(CoerceValue(in, "1", {ColumnType::kBool}, &out));
  CHECK(out.bool_value());
  in.set_int_value(2);
  CHECK_FALSE(CoerceValue(in, "2", {ColumnType::kBool}, &out));

  // Integers and doubles given for a timestamp are epoch seconds.
  in.set_int_value(86400);
  REQUIRE(CoerceValue(in, "86400", {ColumnType::kTimestampMicros}, &out));
  CHECK(out.timestamp_micros() == 86400LL * 1'000'000);
  in.set_double_value(1.5);
  REQUIRE(CoerceValue(in, "1.5", {ColumnType::kTimestampMicros}, &out));
  CHECK(out.timestamp_micros() == 1'500'000);

  in.set_string_value("$1,234.50");
  REQUIRE(CoerceValue(in, "$1,234.50", {ColumnType::kString, ParseMode::kCurrency}, &out));
  CHECK(out.string_value() == "1234.5");
  in.set_string_value("01/03/2024");
  REQUIRE(CoerceValue(
      in, "01/03/2024",
      {ColumnType::kTimestampMicros, ParseMode::kDate, DecimalStyle::kPoint, "%d/%m/%Y"}, &out));
  CHECK(out.timestamp_micros() == k20240301);
}

TEST_CASE("CoercionFailure names what was expected") {
  CHECK(CoercionFailure({ColumnType::kDouble, ParseMode::kCurrency}) == "not a number");
  CHECK(CoercionFailure({ColumnType::kInt64}) == "not an integer");
  CHECK(CoercionFailure({ColumnType::kBool}) == "not a boolean");
  CHECK(CoercionFailure({ColumnType::kTimestampMicros, ParseMode::kDate, DecimalStyle::kPoint,
                         "%Y-%m-%d"}) == "not a date (expected %Y-%m-%d)");
  CHECK(CoercionFailure({ColumnType::kTimestampMicros}) == "not a date (expected ISO 8601)");
}

}  // namespace
}  // namespace gleaner::rules
