#include "crawler/job/cron_expression.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

CronExpression::TimePoint At(year_month_day date, hours h, minutes m, seconds s = 0s) {
  return sys_days(date) + h + m + s;
}

CronExpression::TimePoint Next(std::string_view text, CronExpression::TimePoint after) {
  CronExpression cron;
  Status s = ParseCron(text, &cron);
  REQUIRE(s.ok());
  std::optional<CronExpression::TimePoint> next = cron.NextAfter(after);
  REQUIRE(next.has_value());
  return *next;
}

std::string ParseError(std::string_view text) {
  CronExpression cron;
  Status s = ParseCron(text, &cron);
  REQUIRE(s.IsInvalidArgument());
  return s.message();
}

// 2024-03-01 is a Friday; 2024 is a leap year, 2025-2027 are not.
constexpr year_month_day kFriday = 2024y / March / 1;

TEST_CASE("every six hours fires at the next multiple of six") {
  CHECK(Next("0 */6 * * *", At(kFriday, 5h, 30min)) == At(kFriday, 6h, 0min));
  CHECK(Next("0 */6 * * *", At(kFriday, 18h, 0min)) == At(2024y / March / 2, 0h, 0min));
}

TEST_CASE("the next run is strictly after the given time, to the minute") {
  CHECK(Next("* * * * *", At(kFriday, 10h, 0min)) == At(kFriday, 10h, 1min));
  CHECK(Next("* * * * *", At(kFriday, 10h, 0min, 30s)) == At(kFriday, 10h, 1min));
}

TEST_CASE("weekdays only skips the weekend") {
  CHECK(Next("30 9 * * 1-5", At(kFriday, 10h, 0min)) == At(2024y / March / 4, 9h, 30min));
}

TEST_CASE("seven is Sunday as well as zero") {
  CHECK(Next("0 12 * * 7", At(kFriday, 0h, 0min)) == At(2024y / March / 3, 12h, 0min));
}

TEST_CASE("when both day fields are restricted either one selects the day") {
  // The 15th is a Friday two weeks later; Sunday the 3rd comes first.
  CHECK(Next("0 0 15 * 0", At(kFriday, 0h, 0min)) == At(2024y / March / 3, 0h, 0min));
}

TEST_CASE("a day-of-month step with a star day-of-week must match the day of month") {
  CHECK(Next("0 0 */10 * *", At(kFriday, 0h, 0min)) == At(2024y / March / 11, 0h, 0min));
}

TEST_CASE("a yearly schedule rolls over to the next year") {
  CHECK(Next("0 0 1 1 *", At(kFriday, 0h, 0min)) == At(2025y / January / 1, 0h, 0min));
}

TEST_CASE("February 29 waits for the next leap year") {
  CHECK(Next("0 0 29 2 *", At(kFriday, 0h, 0min)) == At(2028y / February / 29, 0h, 0min));
}

TEST_CASE("a stepped range and a list select exactly their values") {
  CHECK(Next("10-20/5 * * * *", At(kFriday, 10h, 16min)) == At(kFriday, 10h, 20min));
  CHECK(Next("10-20/5 * * * *", At(kFriday, 10h, 21min)) == At(kFriday, 11h, 10min));
  CHECK(Next("5,50 8 * * *", At(kFriday, 8h, 6min)) == At(kFriday, 8h, 50min));
}

TEST_CASE("a start with a step runs from the start to the end of the field") {
  CHECK(Next("0 22/1 * * *", At(kFriday, 12h, 0min)) == At(kFriday, 22h, 0min));
}

TEST_CASE("Feb 29 on a Sunday is found 40 years on, across 2100 (no leap year)") {
  // '*/7' is Sunday only, and a day-of-week starting with '*' must match too.
  CHECK(Next("0 0 29 2 */7", At(2088y / March / 1, 0h, 0min)) ==
        At(2128y / February / 29, 0h, 0min));
}

TEST_CASE("the wrong number of fields is rejected with the count") {
  CHECK(ParseError("0 */6 * *") ==
        "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  CHECK(ParseError("0 0 * * * *") ==
        "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
}

TEST_CASE("values outside a field's range are rejected naming the field") {
  CHECK(ParseError("0 24 * * *") == "hour field: expected a number from 0 to 23, got \"24\"");
  CHECK(ParseError("60 * * * *") == "minute field: expected a number from 0 to 59, got \"60\"");
  CHECK(ParseError("0 0 0 * *") == "day-of-month field: expected a number from 1 to 31, got \"0\"");
  CHECK(ParseError("0 0 * 13 *") == "month field: expected a number from 1 to 12, got \"13\"");
  CHECK(ParseError("0 0 * * 8") == "day-of-week field: expected a number from 0 to 7, got \"8\"");
}

TEST_CASE("names, zero steps, reversed ranges and empty list items are rejected") {
  CHECK(ParseError("0 0 * JAN *") == "month field: expected a number from 1 to 12, got \"JAN\"");
  CHECK(ParseError("*/0 * * * *") == "minute field: expected a step from 1 to 59, got \"0\"");
  CHECK(ParseError("0 5-1 * * *") == "hour field: expected a range from low to high, got \"5-1\"");
  CHECK(ParseError("1,,2 * * * *") == "minute field: expected a number from 0 to 59, got \"\"");
}

TEST_CASE("a day of month that no selected month has is rejected") {
  CHECK(ParseError("0 0 30 2 *") ==
        "day-of-month field: expected a day that occurs in the selected months, got \"30\"");
}

}  // namespace
}  // namespace gleaner::crawler
