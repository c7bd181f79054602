#include "demo/conditional_request.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace gleaner::fixture {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongWeekdays = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads the fixed-width fields of a date from left to right; any mismatch
// makes the whole reading fail.
class DateReader {
 public:
  explicit DateReader(std::string_view text) : text_(text) {}

  bool Literal(std::string_view literal) {
    if (text_.substr(0, literal.size()) != literal) return ok_ = false;
    text_.remove_prefix(literal.size());
    return true;
  }
  // Exactly `width` digits.
  int Digits(int width) {
    int value = 0;
    for (int i = 0; i < width; ++i) {
      if (text_.size() <= static_cast<size_t>(i) || text_[i] < '0' || text_[i] > '9') {
        ok_ = false;
        return 0;
      }
      value = value * 10 + (text_[i] - '0');
    }
    text_.remove_prefix(width);
    return value;
  }
  // The index of the name `text` starts with among `names`.
  template <size_t N>
  int Name(const std::array<std::string_view, N>& names) {
    for (size_t i = 0; i < N; ++i) {
      if (text_.substr(0, names[i].size()) == names[i]) {
        text_.remove_prefix(names[i].size());
        return static_cast<int>(i);
      }
    }
    ok_ = false;
    return 0;
  }
  // "HH:MM:SS" as seconds of the day.
  int TimeOfDay() {
    int hours = Digits(2);
    Literal(":");
    int minutes = Digits(2);
    Literal(":");
    int seconds = Digits(2);
    if (hours > 23 || minutes > 59 || seconds > 60) ok_ = false;
    return hours * 3600 + minutes * 60 + seconds;
  }
  bool Done() const { return ok_ && text_.empty(); }

 private:
  std::string_view text_;
  bool ok_ = true;
};

std::optional<int64_t> ToUnix(int year, int month_index, int day, int seconds_of_day) {
  using namespace std::chrono;
  year_month_day date{std::chrono::year{year}, month{static_cast<unsigned>(month_index + 1)},
                      std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return sys_days(date).time_since_epoch().count() * int64_t{86400} + seconds_of_day;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<int64_t> ParseImfFixdate(std::string_view text) {
  DateReader r(text);
  r.Name(kWeekdays);
  r.Literal(", ");
  int day = r.Digits(2);
  r.Literal(" ");
  int month = r.Name(kMonths);
  r.Literal(" ");
  int year = r.Digits(4);
  r.Literal(" ");
  int seconds = r.TimeOfDay();
  r.Literal(" GMT");
  if (!r.Done()) return std::nullopt;
  return ToUnix(year, month, day, seconds);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year more than 50 years
// ahead of 2000 is read as the past century (RFC 9110 section 5.6.7).
std::optional<int64_t> ParseRfc850(std::string_view text) {
  DateReader r(text);
  r.Name(kLongWeekdays);
  r.Literal(", ");
  int day = r.Digits(2);
  r.Literal("-");
  int month = r.Name(kMonths);
  r.Literal("-");
  int year = r.Digits(2);
  r.Literal(" ");
  int seconds = r.TimeOfDay();
  r.Literal(" GMT");
  if (!r.Done()) return std::nullopt;
  return ToUnix(year < 70 ? 2000 + year : 1900 + year, month, day, seconds);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<int64_t> ParseAsctime(std::string_view text) {
  // The day is space-padded ("Nov  6"); read it as zero-padded.
  std::string padded(text);
  if (padded.size() > 8 && padded[8] == ' ') padded[8] = '0';
  DateReader r(padded);
  r.Name(kWeekdays);
  r.Literal(" ");
  int month = r.Name(kMonths);
  r.Literal(" ");
  int day = r.Digits(2);
  r.Literal(" ");
  int seconds = r.TimeOfDay();
  r.Literal(" ");
  int year = r.Digits(4);
  if (!r.Done()) return std::nullopt;
  return ToUnix(year, month, day, seconds);
}

// The opaque-tags of an If-None-Match list, each with its quotes; "*" as itself.
// Stops at the first member that is not an entity-tag.
template <typename Visit>
void ForEachEntityTag(std::string_view list, Visit visit) {
  size_t i = 0;
  auto skip_separators = [&] {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == ',')) ++i;
  };
  for (skip_separators(); i < list.size(); skip_separators()) {
    if (list[i] == '*') {
      if (visit(std::string_view("*"))) return;
      ++i;
      continue;
    }
    if (list.substr(i, 2) == "W/") i += 2;
    if (i >= list.size() || list[i] != '"') return;
    size_t close = list.find('"', i + 1);
    if (close == std::string_view::npos) return;
    if (visit(list.substr(i, close + 1 - i))) return;
    i = close + 1;
  }
}

}  // namespace

std::string HttpDate(int64_t unix_seconds) {
  using namespace std::chrono;
  int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  int64_t seconds = unix_seconds - days * 86400;
  sys_days date{std::chrono::days{days}};
  year_month_day ymd{date};
  char text[40];
  std::snprintf(text, sizeof(text), "%s, %02u %s %04d %02d:%02d:%02d GMT",
                kWeekdays[weekday{date}.c_encoding()].data(), static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  return text;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  if (std::optional<int64_t> t = ParseImfFixdate(text)) return t;
  if (std::optional<int64_t> t = ParseRfc850(text)) return t;
  return ParseAsctime(text);
}

bool IfNoneMatchMatches(std::string_view field_value, std::string_view etag) {
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  bool matched = false;
  ForEachEntityTag(field_value, [&](std::string_view member) {
    // "*" matches any current representation, and this one exists.
    matched = member == "*" || (!etag.empty() && member == etag);
    return matched;
  });
  return matched;
}

bool IsNotModified(const std::optional<std::string>& if_none_match,
                   const std::optional<std::string>& if_modified_since,
                   const Validators& validators) {
  if (if_none_match) return IfNoneMatchMatches(*if_none_match, validators.etag);
  if (!if_modified_since) return false;
  std::optional<int64_t> since = ParseHttpDate(*if_modified_since);
  return since && validators.last_modified <= *since;
}

}  // namespace gleaner::fixture
