#include "crawler/job/cron_expression.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace gleaner::crawler {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
};

constexpr FieldSpec kMinute{"minute", 0, 59};
constexpr FieldSpec kHour{"hour", 0, 23};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31};
constexpr FieldSpec kMonth{"month", 1, 12};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7};

Status FieldError(const FieldSpec& spec, const std::string& expected, std::string_view got) {
  return Status::InvalidArgument(std::string(spec.name) + " field: expected " + expected +
                                 ", got \"" + std::string(got) + "\"");
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string_view> SplitWhitespace(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

// `what` names the value in the error: "a number", "a step".
Status ParseNumber(std::string_view text, const FieldSpec& spec, std::string_view what, int min,
                   int max, int* out) {
  const std::string expected =
      std::string(what) + " from " + std::to_string(min) + " to " + std::to_string(max);
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    return FieldError(spec, expected, text);
  }
  *out = value;
  return Status::OK();
}

// One field ("1-5", "*/15", "0,30") as a bit mask over the field's values.
Status ParseField(std::string_view field, const FieldSpec& spec, uint64_t* mask) {
  *mask = 0;
  for (std::string_view item : Split(field, ',')) {
    std::string_view range = item;
    int step = 1;
    bool has_step = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      has_step = true;
      range = item.substr(0, slash);
      GLEANER_RETURN_IF_ERROR(
          ParseNumber(item.substr(slash + 1), spec, "a step", 1, spec.max, &step));
    }
    int low = spec.min;
    int high = spec.max;
    if (range != "*") {
      size_t dash = range.find('-');
      if (dash == std::string_view::npos) {
        GLEANER_RETURN_IF_ERROR(ParseNumber(range, spec, "a number", spec.min, spec.max, &low));
        // "5/15" means every 15th value from 5; a lone "5" is just 5.
        high = has_step ? spec.max : low;
      } else {
        GLEANER_RETURN_IF_ERROR(
            ParseNumber(range.substr(0, dash), spec, "a number", spec.min, spec.max, &low));
        GLEANER_RETURN_IF_ERROR(
            ParseNumber(range.substr(dash + 1), spec, "a number", spec.min, spec.max, &high));
        if (low > high) return FieldError(spec, "a range from low to high", range);
      }
    }
    for (int value = low; value <= high; value += step) *mask |= uint64_t{1} << value;
  }
  return Status::OK();
}

constexpr unsigned kDaysInMonth[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

}  // namespace

Status ParseCron(std::string_view text, CronExpression* out) {
  const std::vector<std::string_view> fields = SplitWhitespace(text);
  if (fields.size() != 5) {
    return Status::InvalidArgument(
        "expected 5 fields (minute hour day-of-month month day-of-week), got " +
        std::to_string(fields.size()));
  }
  uint64_t minutes, hours, days_of_month, months, days_of_week;
  GLEANER_RETURN_IF_ERROR(ParseField(fields[0], kMinute, &minutes));
  GLEANER_RETURN_IF_ERROR(ParseField(fields[1], kHour, &hours));
  GLEANER_RETURN_IF_ERROR(ParseField(fields[2], kDayOfMonth, &days_of_month));
  GLEANER_RETURN_IF_ERROR(ParseField(fields[3], kMonth, &months));
  GLEANER_RETURN_IF_ERROR(ParseField(fields[4], kDayOfWeek, &days_of_week));

  CronExpression cron;
  cron.minutes_ = std::bitset<60>(minutes);
  cron.hours_ = std::bitset<24>(hours);
  cron.days_of_month_ = std::bitset<32>(days_of_month);
  cron.months_ = std::bitset<13>(months);
  // Fold 7 (Sunday, as some crons spell it) onto 0.
  cron.days_of_week_ = std::bitset<7>((days_of_week | (days_of_week >> 7)) & 0x7f);
  cron.day_of_month_is_star_ = fields[2].starts_with('*');
  cron.day_of_week_is_star_ = fields[4].starts_with('*');

  if (!cron.day_of_month_is_star_ && cron.day_of_week_is_star_) {
    bool some_day_exists = false;
    for (unsigned month = 1; month <= 12; ++month) {
      for (unsigned day = 1; day <= kDaysInMonth[month]; ++day) {
        some_day_exists |= cron.months_[month] && cron.days_of_month_[day];
      }
    }
    if (!some_day_exists) {
      return FieldError(kDayOfMonth, "a day that occurs in the selected months", fields[2]);
    }
  }
  *out = cron;
  return Status::OK();
}

bool CronExpression::MatchesDay(unsigned day_of_month, unsigned day_of_week) const {
  bool dom = days_of_month_[day_of_month];
  bool dow = days_of_week_[day_of_week];
  if (day_of_month_is_star_ || day_of_week_is_star_) return dom && dow;
  return dom || dow;
}

std::optional<CronExpression::TimePoint> CronExpression::NextAfter(TimePoint t) const {
  using namespace std::chrono;
  const sys_time<minutes> first = floor<minutes>(t) + minutes(1);
  sys_days day = floor<days>(first);
  int minute_of_day = static_cast<int>((first - day).count());
  // The rarest day an expression can ask for is Feb 29 on one weekday (a
  // weekday field starting with '*' must then match too): 40 years apart
  // across 2100, which is not a leap year.
  const sys_days give_up = day + days(41 * 366);
  while (day < give_up) {
    const year_month_day date(day);
    if (!months_[static_cast<unsigned>(date.month())]) {
      day = sys_days(year_month_day(date.year() / date.month() / 1) + months(1));
      minute_of_day = 0;
      continue;
    }
    if (MatchesDay(static_cast<unsigned>(date.day()), weekday(day).c_encoding())) {
      for (int hour = minute_of_day / 60; hour < 24; ++hour) {
        if (!hours_[hour]) continue;
        int first_minute = hour == minute_of_day / 60 ? minute_of_day % 60 : 0;
        for (int minute = first_minute; minute < 60; ++minute) {
          if (minutes_[minute]) return TimePoint(day + hours(hour) + minutes(minute));
        }
      }
    }
    day += days(1);
    minute_of_day = 0;
  }
  return std::nullopt;
}

}  // namespace gleaner::crawler
