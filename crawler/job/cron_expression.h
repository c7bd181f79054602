// CronExpression: a 5-field cron schedule ("minute hour day-of-month month
// day-of-week"), read by ParseCron and evaluated in UTC with Vixie cron's rules.
// It is a small immutable value: copyable, and safe to share between threads.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace gleaner::crawler {

class CronExpression {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // The first whole minute strictly after `t` that the schedule selects. Every
  // expression ParseCron accepts has one within 8 years (Feb 29 is the rarest
  // day); nullopt is returned only if none is found within 9.
  std::optional<TimePoint> NextAfter(TimePoint t) const;

 private:
  friend Status ParseCron(std::string_view text, CronExpression* out);
  bool MatchesDay(unsigned day_of_month, unsigned day_of_week) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> days_of_week_;    // 0 = Sunday (7 is accepted as Sunday too)
  // As in Vixie cron: when both day fields are restricted (neither starts with
  // '*'), a day matches if either does; otherwise it must match both.
  bool day_of_month_is_star_ = true;
  bool day_of_week_is_star_ = true;
};

// Accepts per field: '*', a number, a range 'a-b', a step '*/n', 'a-b/n' or
// 'a/n', and comma-separated lists of those. Rejects values out of the field's
// range and a day-of-month that no selected month has (e.g. "0 0 30 2 *").
// Errors read "hour field: expected a number from 0 to 23, got \"24\"".
Status ParseCron(std::string_view text, CronExpression* out);

}  // namespace gleaner::crawler
