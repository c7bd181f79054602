#include "demo/conditional_request.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace gleaner::demo {
namespace {

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongWeekdays = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// The index of the name `text` starts with among `names`, consuming it.
template <size_t N>
std::optional<int> ReadName(const std::array<std::string_view, N>& names, std::string_view* text) {
  for (size_t i = 0; i < N; ++i) {
    if (text->substr(0, names[i].size()) == names[i]) {
      text->remove_prefix(names[i].size());
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

// Exactly `width` digits, the first of which may be a space when `space_padded`.
std::optional<int> ReadDigits(int width, bool space_padded, std::string_view* text) {
  if (text->size() < static_cast<size_t>(width)) return std::nullopt;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    char c = (*text)[i];
    if (c == ' ' && space_padded && i == 0 && width > 1) continue;
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  text->remove_prefix(width);
  return value;
}

// `text` read whole against `pattern`: %a short and %A long weekday name (not
// checked against the date), %d two-digit day, %e day padded with a space, %b
// month name, %Y four-digit year, %y two-digit year (00-69 read as 20xx),
// %H %M %S two digits each; any other character stands for itself.
std::optional<int64_t> ReadDate(std::string_view text, std::string_view pattern) {
  int year = 0, month = 0, day = 0, hours = 0, minutes = 0, seconds = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      if (text.empty() || text.front() != pattern[i]) return std::nullopt;
      text.remove_prefix(1);
      continue;
    }
    std::optional<int> field;
    switch (pattern[++i]) {
      case 'a':
        field = ReadName(kWeekdays, &text);
        break;
      case 'A':
        field = ReadName(kLongWeekdays, &text);
        break;
      case 'b':
        field = month = ReadName(kMonths, &text).value_or(-1);
        break;
      case 'd':
        field = day = ReadDigits(2, false, &text).value_or(-1);
        break;
      case 'e':
        field = day = ReadDigits(2, true, &text).value_or(-1);
        break;
      case 'Y':
        field = year = ReadDigits(4, false, &text).value_or(-1);
        break;
      case 'y':
        field = year = ReadDigits(2, false, &text).value_or(-1);
        if (year >= 0) year += year < 70 ? 2000 : 1900;
        break;
      case 'H':
        field = hours = ReadDigits(2, false, &text).value_or(-1);
        break;
      case 'M':
        field = minutes = ReadDigits(2, false, &text).value_or(-1);
        break;
      case 'S':
        field = seconds = ReadDigits(2, false, &text).value_or(-1);
        break;
    }
    if (!field || *field < 0) return std::nullopt;
  }
  if (!text.empty() || hours > 23 || minutes > 59 || seconds > 60) return std::nullopt;
  using namespace std::chrono;
  year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month + 1)},
                      std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return sys_days(date).time_since_epoch().count() * int64_t{86400} + hours * 3600 + minutes * 60 +
         seconds;
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
  const std::string_view day_name = kWeekdays[weekday{date}.c_encoding()];
  const std::string_view month = kMonths[static_cast<unsigned>(ymd.month()) - 1];
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    char text[40];
    std::snprintf(text, sizeof(text), "%s, %02u %s %04d %02d:%02d:%02d GMT", day_name.data(),
                  static_cast<unsigned>(ymd.day()), month.data(), year,
                  static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                  static_cast<int>(seconds % 60));
    return text;
  }
  // Digit by digit: the fixture writes a date into every response, a 304's
  // included, and snprintf was most of what answering a 304 cost it
  // (callgrind: ~3,400 instructions a date).
  std::string text = "Www, DD Mmm YYYY HH:MM:SS GMT";
  auto put = [&text](size_t at, int value, int digits) {
    for (size_t i = at + digits; i > at; value /= 10) text[--i] = static_cast<char>('0' + value % 10);
  };
  text.replace(0, 3, day_name);
  put(5, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
  text.replace(8, 3, month);
  put(12, year, 4);
  put(17, static_cast<int>(seconds / 3600), 2);
  put(20, static_cast<int>(seconds / 60 % 60), 2);
  put(23, static_cast<int>(seconds % 60), 2);
  return text;
}

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  for (std::string_view form : {"%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate
                                "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850
                                "%a %b %e %H:%M:%S %Y"}) {    // asctime
    if (std::optional<int64_t> t = ReadDate(text, form)) return t;
  }
  return std::nullopt;
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

}  // namespace gleaner::demo
