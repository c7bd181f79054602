// Cron expressions. Input: a start time (decimal seconds since 1970, taken
// modulo 1970-2200), a newline, the expression. Properties for every expression ParseCron accepts: NextAfter finds a
// run, strictly later, on a whole minute, within 41 years (Feb 29 on one
// weekday, which a day-of-week field starting with '*' can demand, recurs up to
// 40 years apart), and asking again just before that run finds it again.
#include <chrono>
#include <charconv>
#include <string>

#include "crawler/job/cron_expression.h"
#include "tests/fuzz/fuzz_support.h"

using namespace std::chrono;
using gleaner::crawler::CronExpression;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [start_line, expression] = gleaner::fuzz::SplitFirstLine(gleaner::fuzz::AsText(data, size));
  uint64_t parsed = 0;
  std::from_chars(start_line.data(), start_line.data() + start_line.size(), parsed);
  const int64_t start_seconds = static_cast<int64_t>(parsed % 7'258'118'400);  // before 2200
  const std::string text(expression);
  CronExpression cron;
  if (!gleaner::crawler::ParseCron(text, &cron).ok()) return 0;

  const CronExpression::TimePoint start{seconds(start_seconds)};
  std::optional<CronExpression::TimePoint> next = cron.NextAfter(start);
  FUZZ_CHECK(next.has_value(), "'%s': no run after %lld", text.c_str(),
             static_cast<long long>(start_seconds));
  FUZZ_CHECK(*next > start, "'%s': the next run is not after the start", text.c_str());
  FUZZ_CHECK(floor<minutes>(*next) == *next, "'%s': the next run is not a whole minute", text.c_str());
  FUZZ_CHECK(*next - start <= days(41 * 366), "'%s': the next run is over 41 years away",
             text.c_str());
  FUZZ_CHECK(cron.NextAfter(*next - seconds(1)) == next, "'%s': asking just before the run misses it",
             text.c_str());
  return 0;
}
