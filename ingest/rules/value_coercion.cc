#include "ingest/rules/value_coercion.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace gleaner::rules {

using schema::ColumnType;

namespace {

// Length of the whitespace sequence starting at text[i], 0 if there is none.
size_t SpaceAt(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  // Every other space starts with one of these bytes; most text has none.
  if (c != 0xC2 && c != 0xE2 && c != 0xE3) return 0;
  const size_t left = s.size() - i;
  if (c == 0xC2 && left >= 2 && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (left < 3) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  const auto c2 = static_cast<unsigned char>(s[i + 2]);
  if (c == 0xE2 && c1 == 0x80 && (c2 <= 0x8A || c2 == 0xAF)) return 3;
  if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) return 3;
  if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) return 3;
  return 0;
}

// Length of the whitespace sequence ending text, 0 if there is none.
size_t SpaceBefore(std::string_view s) {
  for (size_t len = 1; len <= 3 && len <= s.size(); ++len) {
    if (SpaceAt(s, s.size() - len) == len) return len;
  }
  return 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsUpper(c) || (c >= 'a' && c <= 'z'); }
char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// A number rewritten for std::from_chars: no grouping, '.' decimals.
struct NumText {
  char data[64];
  size_t size = 0;
  bool Push(char c) {
    if (size == sizeof(data)) return false;
    data[size++] = c;
    return true;
  }
};

// Length of a grouping separator at text[i] under `style`, 0 if none.
size_t GroupSepAt(std::string_view s, size_t i, DecimalStyle style) {
  const char c = s[i];
  if (c == (style == DecimalStyle::kPoint ? ',' : '.') || c == '\'') return 1;
  return SpaceAt(s, i);
}

// Parses [sign] digits-with-groups [decimal digits] [exponent] spanning all of
// `s` into *out.
bool Canonicalize(std::string_view s, bool groups, bool exponent, DecimalStyle style,
                  NumText* out) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') out->Push('-');
    ++i;
  }
  size_t digits = 0;     // in the integer part
  size_t group_len = 0;  // digits since the last separator
  std::string_view sep;  // the grouping separator in use, once seen
  bool grouped = false;
  while (i < s.size()) {
    if (IsDigit(s[i])) {
      if (!out->Push(s[i])) return false;
      ++digits;
      ++group_len;
      ++i;
      continue;
    }
    const size_t len = groups ? GroupSepAt(s, i, style) : 0;
    if (len == 0) break;
    // A separator follows a first group of 1-3 digits or a group of exactly 3,
    // and is always the same one.
    if (group_len == 0 || group_len > 3 || (grouped && group_len != 3)) return false;
    if (grouped && s.substr(i, len) != sep) return false;
    sep = s.substr(i, len);
    grouped = true;
    group_len = 0;
    i += len;
  }
  if (grouped && group_len != 3) return false;
  const char decimal = style == DecimalStyle::kComma && groups ? ',' : '.';
  size_t fraction = 0;
  if (i < s.size() && s[i] == decimal) {
    if (!out->Push('.')) return false;
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      if (!out->Push(s[i++])) return false;
      ++fraction;
    }
  }
  if (digits + fraction == 0) return false;
  if (exponent && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    out->Push('e');
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      if (!out->Push(s[i++])) return false;
    }
    size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) {
      if (!out->Push(s[i++])) return false;
      ++exp_digits;
    }
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// Currency symbols recognised before or after an amount (ISO codes are any
// three capital letters and are handled apart).
constexpr std::string_view kCurrencySymbols[] = {
    "US$", "CA$", "AU$", "NZ$", "HK$", "R$", "C$", "A$", "S$", "$", "€", "£",  "¥",
    "₹",   "₽", "₩",   "₺",   "₪",   "₫",  "₴",  "₦",  "₱",  "฿", "¢", "kr", "zł"};

size_t CurrencyPrefix(std::string_view s) {
  if (s.size() >= 3 && IsUpper(s[0]) && IsUpper(s[1]) && IsUpper(s[2]) &&
      (s.size() == 3 || !IsAlpha(s[3]))) {
    return 3;
  }
  for (std::string_view sym : kCurrencySymbols) {
    if (s.starts_with(sym)) return sym.size();
  }
  return 0;
}

size_t CurrencySuffix(std::string_view s) {
  const size_t n = s.size();
  if (n >= 3 && IsUpper(s[n - 1]) && IsUpper(s[n - 2]) && IsUpper(s[n - 3]) &&
      (n == 3 || !IsAlpha(s[n - 4]))) {
    return 3;
  }
  for (std::string_view sym : kCurrencySymbols) {
    if (s.ends_with(sym)) return sym.size();
  }
  return 0;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty()) {
    const size_t len = SpaceAt(s, 0);
    if (len == 0) break;
    s.remove_prefix(len);
  }
  return s;
}

// Strips the currency decoration of an amount: "-$ 5" → "-5" (sign kept in
// *negative), "(12.00)" → "12.00" negative, "1.234,50 €" → "1.234,50".
bool StripCurrency(std::string_view s, std::string_view* amount, bool* negative) {
  bool parens = false;
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    parens = true;
    s = TrimSpace(s.substr(1, s.size() - 2));
  }
  bool sign = false;
  *negative = false;
  auto take_sign = [&] {
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
      if (sign) return false;
      sign = true;
      *negative = s[0] == '-';
      s = TrimLeft(s.substr(1));
    }
    return true;
  };
  if (!take_sign()) return false;
  if (const size_t len = CurrencyPrefix(s); len > 0) {
    s = TrimLeft(s.substr(len));
    if (!take_sign()) return false;
  } else if (const size_t suffix = CurrencySuffix(s); suffix > 0) {
    s = TrimSpace(s.substr(0, s.size() - suffix));
  }
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) return false;
  if (parens) {
    if (sign) return false;
    *negative = true;
  }
  *amount = s;
  return true;
}

// The number in `text` under `mode` as from_chars-ready text; *percent when the
// value is in percent points.
bool ToNumText(std::string_view text, ParseMode mode, DecimalStyle style, NumText* out,
               bool* percent) {
  std::string_view s = TrimSpace(text);
  *percent = false;
  switch (mode) {
    case ParseMode::kNumber:
      return Canonicalize(s, true, true, style, out);
    case ParseMode::kPercent:
      *percent = true;
      if (s.ends_with('%')) s = TrimSpace(s.substr(0, s.size() - 1));
      return Canonicalize(s, true, true, style, out);
    case ParseMode::kCurrency: {
      std::string_view amount;
      bool negative = false;
      if (!StripCurrency(s, &amount, &negative)) return false;
      if (negative) out->Push('-');
      return Canonicalize(amount, true, false, style, out);
    }
    case ParseMode::kNone:
    case ParseMode::kDate:
      break;
  }
  return Canonicalize(s, false, true, DecimalStyle::kPoint, out);
}

bool DoubleOf(const NumText& num, double* out) {
  double v = 0;
  const auto [end, ec] = std::from_chars(num.data, num.data + num.size, v);
  if (ec != std::errc() || end != num.data + num.size || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

// An integral double that fits int64 (2^63 itself does not).
bool IntegralToInt64(double v, int64_t* out) {
  if (!std::isfinite(v) || v != std::trunc(v) || v < -9223372036854775808.0 ||
      v >= 9223372036854775808.0) {
    return false;
  }
  *out = static_cast<int64_t>(v);
  return true;
}

// ---- dates ----

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

struct DateParts {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  int offset_seconds = 0;  // east of UTC
  int pm = -1;             // %p: 0 AM, 1 PM
  bool hour12 = false;
};

// Reads min..max digits at s[*i].
bool ReadInt(std::string_view s, size_t* i, int min_digits, int max_digits, int* out) {
  int v = 0, n = 0;
  while (*i < s.size() && n < max_digits && IsDigit(s[*i])) {
    v = v * 10 + (s[(*i)++] - '0');
    ++n;
  }
  if (n < min_digits) return false;
  *out = v;
  return true;
}

bool ReadFraction(std::string_view s, size_t* i, int64_t* micros) {
  int64_t v = 0;
  int n = 0;
  while (*i < s.size() && IsDigit(s[*i])) {
    if (n < 6) v = v * 10 + (s[*i] - '0');
    ++n;
    ++*i;
  }
  if (n == 0 || n > 9) return false;
  for (int k = n; k < 6; ++k) v *= 10;
  *micros = v;
  return true;
}

// "Z", "±hh", "±hhmm" or "±hh:mm".
bool ReadOffset(std::string_view s, size_t* i, int* seconds) {
  if (*i < s.size() && (s[*i] == 'Z' || s[*i] == 'z')) {
    ++*i;
    *seconds = 0;
    return true;
  }
  if (*i >= s.size() || (s[*i] != '+' && s[*i] != '-')) return false;
  const int sign = s[(*i)++] == '-' ? -1 : 1;
  int hh = 0, mm = 0;
  if (!ReadInt(s, i, 2, 2, &hh)) return false;
  if (*i < s.size() && s[*i] == ':') ++*i;
  if (*i < s.size() && IsDigit(s[*i]) && !ReadInt(s, i, 2, 2, &mm)) return false;
  if (hh > 23 || mm > 59) return false;
  *seconds = sign * (hh * 3600 + mm * 60);
  return true;
}

constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};
constexpr std::string_view kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                          "friday", "saturday", "sunday"};

// Matches a full or 3-letter English name at s[*i]; *index is its position.
template <size_t N>
bool ReadName(std::string_view s, size_t* i, const std::string_view (&names)[N], int* index) {
  for (size_t k = 0; k < N; ++k) {
    for (size_t len : {names[k].size(), size_t{3}}) {
      if (s.size() - *i >= len && EqualsIgnoreCase(s.substr(*i, len), names[k].substr(0, len))) {
        *i += len;
        *index = static_cast<int>(k);
        return true;
      }
    }
  }
  return false;
}

bool ParseWithFormat(std::string_view s, std::string_view f, DateParts* p) {
  size_t i = 0;
  for (size_t k = 0; k < f.size(); ++k) {
    if (const size_t len = SpaceAt(f, k); len > 0) {
      k += len - 1;
      while (i < s.size() && SpaceAt(s, i) > 0) i += SpaceAt(s, i);
      continue;
    }
    if (f[k] != '%' || k + 1 == f.size()) {
      if (i >= s.size() || s[i] != f[k]) return false;
      ++i;
      continue;
    }
    int ignored = 0;
    bool ok = true;
    switch (f[++k]) {
      case 'Y':
        ok = ReadInt(s, &i, 1, 4, &p->year);
        break;
      case 'y':
        ok = ReadInt(s, &i, 2, 2, &p->year);
        p->year += p->year < 69 ? 2000 : 1900;
        break;
      case 'm':
        ok = ReadInt(s, &i, 1, 2, &p->month);
        break;
      case 'e':
        if (i < s.size() && s[i] == ' ') ++i;
        [[fallthrough]];
      case 'd':
        ok = ReadInt(s, &i, 1, 2, &p->day);
        break;
      case 'I':
        p->hour12 = true;
        [[fallthrough]];
      case 'H':
        ok = ReadInt(s, &i, 1, 2, &p->hour);
        break;
      case 'M':
        ok = ReadInt(s, &i, 1, 2, &p->minute);
        break;
      case 'S':
        ok = ReadInt(s, &i, 1, 2, &p->second);
        break;
      case 'f':
        ok = ReadFraction(s, &i, &p->micros);
        break;
      case 'b':
      case 'B':
      case 'h':
        ok = ReadName(s, &i, kMonths, &p->month);
        ++p->month;
        break;
      case 'a':
      case 'A':
        ok = ReadName(s, &i, kWeekdays, &ignored);
        break;
      case 'p':
        ok = s.size() - i >= 2 && (Lower(s[i + 1]) == 'm') &&
             (Lower(s[i]) == 'a' || Lower(s[i]) == 'p');
        if (ok) {
          p->pm = Lower(s[i]) == 'p';
          i += 2;
        }
        break;
      case 'z':
        ok = ReadOffset(s, &i, &p->offset_seconds);
        break;
      case '%':
        ok = i < s.size() && s[i] == '%';
        ++i;
        break;
      default:
        return false;  // the parser rejects unknown directives; be safe anyway
    }
    if (!ok) return false;
  }
  return i == s.size();
}

bool ParseIso(std::string_view s, DateParts* p) {
  size_t i = 0;
  if (!ReadInt(s, &i, 4, 4, &p->year) || i >= s.size() || s[i++] != '-' ||
      !ReadInt(s, &i, 2, 2, &p->month) || i >= s.size() || s[i++] != '-' ||
      !ReadInt(s, &i, 2, 2, &p->day)) {
    return false;
  }
  if (i == s.size()) return true;
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
  ++i;
  if (!ReadInt(s, &i, 2, 2, &p->hour) || i >= s.size() || s[i++] != ':' ||
      !ReadInt(s, &i, 2, 2, &p->minute)) {
    return false;
  }
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!ReadInt(s, &i, 2, 2, &p->second)) return false;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      if (!ReadFraction(s, &i, &p->micros)) return false;
    }
  }
  if (i < s.size() && !ReadOffset(s, &i, &p->offset_seconds)) return false;
  return i == s.size();
}

bool ToMicros(DateParts p, int64_t* micros) {
  if (p.hour12) {
    if (p.hour < 1 || p.hour > 12) return false;
    p.hour %= 12;
  }
  if (p.pm == 1) {
    if (p.hour >= 12) return false;
    p.hour += 12;
  }
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > DaysInMonth(p.year, p.month) ||
      p.hour > 23 || p.minute > 59 || p.second > 59) {
    return false;
  }
  const int64_t seconds = DaysFromCivil(p.year, p.month, p.day) * 86400 + p.hour * 3600 +
                          p.minute * 60 + p.second - p.offset_seconds;
  *micros = seconds * 1'000'000 + p.micros;
  return true;
}

void AppendDouble(double v, std::string* out) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, end);
}

// Epoch seconds as micros, when they fit.
bool SecondsToMicros(double seconds, int64_t* micros) {
  return IntegralToInt64(std::round(seconds * 1e6), micros);
}

}  // namespace

std::string_view TrimSpace(std::string_view s) {
  s = TrimLeft(s);
  while (const size_t len = SpaceBefore(s)) s.remove_suffix(len);
  return s;
}

void NormalizeText(std::string_view text, const TextNorm& norm, std::string* out) {
  if (norm.trim || norm.collapse_whitespace) text = TrimSpace(text);
  out->clear();
  for (size_t i = 0; i < text.size();) {
    if (norm.collapse_whitespace) {
      if (size_t len = SpaceAt(text, i); len > 0) {
        while (i < text.size() && (len = SpaceAt(text, i)) > 0) i += len;
        out->push_back(' ');
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (norm.case_fold == CaseFold::kNone) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const bool lower = norm.case_fold == CaseFold::kLower;
    if (c < 0x80) {
      if (lower && c >= 'A' && c <= 'Z') {
        out->push_back(static_cast<char>(c + 32));
      } else if (!lower && c >= 'a' && c <= 'z') {
        out->push_back(static_cast<char>(c - 32));
      } else {
        out->push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // Latin-1 letters are U+00C0..U+00DE (upper) and U+00E0..U+00FE (lower),
    // two bytes C3 80..C3 9E / C3 A0..C3 BE; × (C3 97) and ÷ (C3 B7) are not letters.
    if (c == 0xC3 && i + 1 < text.size()) {
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      out->push_back(static_cast<char>(c));
      if (lower && c1 >= 0x80 && c1 <= 0x9E && c1 != 0x97) {
        out->push_back(static_cast<char>(c1 + 0x20));
      } else if (!lower && c1 >= 0xA0 && c1 <= 0xBE && c1 != 0xB7) {
        out->push_back(static_cast<char>(c1 - 0x20));
      } else {
        out->push_back(static_cast<char>(c1));
      }
      i += 2;
      continue;
    }
    out->push_back(static_cast<char>(c));
    ++i;
  }
  if (norm.collapse_whitespace && !out->empty() && out->back() == ' ') out->pop_back();
}

int64_t CodePointCount(std::string_view text) {
  int64_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

DecimalStyle DecimalStyleOf(std::string_view format) {
  return format == "1.234,56" ? DecimalStyle::kComma : DecimalStyle::kPoint;
}

bool ParseDouble(std::string_view text, ParseMode mode, DecimalStyle style, double* out) {
  NumText num;
  bool percent = false;
  double v = 0;
  if (!ToNumText(text, mode, style, &num, &percent) || !DoubleOf(num, &v)) return false;
  *out = percent ? v / 100 : v;
  return true;
}

bool ParseInt64(std::string_view text, ParseMode mode, DecimalStyle style, int64_t* out) {
  NumText num;
  bool percent = false;
  if (!ToNumText(text, mode, style, &num, &percent)) return false;
  if (!percent) {
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(num.data, num.data + num.size, v);
    if (ec == std::errc() && end == num.data + num.size) {
      *out = v;
      return true;
    }
  }
  double v = 0;
  if (!DoubleOf(num, &v)) return false;
  return IntegralToInt64(percent ? v / 100 : v, out);
}

bool ParseBool(std::string_view text, bool* out) {
  const std::string_view s = TrimSpace(text);
  for (std::string_view yes : {"true", "yes", "y", "1"}) {
    if (EqualsIgnoreCase(s, yes)) {
      *out = true;
      return true;
    }
  }
  for (std::string_view no : {"false", "no", "n", "0"}) {
    if (EqualsIgnoreCase(s, no)) {
      *out = false;
      return true;
    }
  }
  return false;
}

bool ParseDate(std::string_view text, std::string_view format, int64_t* micros) {
  const std::string_view s = TrimSpace(text);
  DateParts parts;
  const bool ok = format.empty() ? ParseIso(s, &parts) : ParseWithFormat(s, format, &parts);
  return ok && ToMicros(parts, micros);
}

std::string FormatTimestamp(int64_t micros) {
  int64_t seconds = micros / 1'000'000;
  int64_t frac = micros % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t sod = seconds % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  int n = std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d",
                        static_cast<long long>(y), m, d, static_cast<int>(sod / 3600),
                        static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  if (frac != 0) {
    n += std::snprintf(buf + n, sizeof(buf) - n, ".%06lld", static_cast<long long>(frac));
  }
  std::string out(buf, n);
  out.push_back('Z');
  return out;
}

std::string_view ValueText(const v1::Value& value, std::string* scratch) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kJsonValue:
      return value.json_value();
    case v1::Value::kBytesValue:
      return value.bytes_value();
    case v1::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::Value::kIntValue: {
      char buf[24];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value.int_value());
      scratch->assign(buf, end);
      return *scratch;
    }
    case v1::Value::kDoubleValue:
      scratch->clear();
      AppendDouble(value.double_value(), scratch);
      return *scratch;
    case v1::Value::kTimestampMicros:
      *scratch = FormatTimestamp(value.timestamp_micros());
      return *scratch;
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return {};
}

bool CoerceValue(const v1::Value& in, std::string_view text, const CoercionSpec& spec,
                 v1::Value* out) {
  const auto kind = in.kind_case();
  const bool is_text = kind == v1::Value::kStringValue || kind == v1::Value::kJsonValue ||
                       kind == v1::Value::kBytesValue;
  switch (spec.type) {
    case ColumnType::kString: {
      std::string* s = out->mutable_string_value();
      if (spec.parse == ParseMode::kNone) {
        s->assign(text);
        return true;
      }
      // A parse mode on a text field validates the text and stores it canonically.
      v1::Value typed;
      CoercionSpec as = spec;
      as.type = spec.parse == ParseMode::kDate ? ColumnType::kTimestampMicros : ColumnType::kDouble;
      if (!CoerceValue(in, text, as, &typed)) return false;
      std::string scratch;
      s->assign(ValueText(typed, &scratch));
      return true;
    }
    case ColumnType::kInt64: {
      int64_t v = 0;
      if (kind == v1::Value::kIntValue) {
        v = in.int_value();
      } else if (kind == v1::Value::kDoubleValue) {
        if (!IntegralToInt64(in.double_value(), &v)) return false;
      } else if (!is_text || !ParseInt64(text, spec.parse, spec.style, &v)) {
        return false;
      }
      out->set_int_value(v);
      return true;
    }
    case ColumnType::kDouble: {
      double v = 0;
      if (kind == v1::Value::kIntValue) {
        v = static_cast<double>(in.int_value());
      } else if (kind == v1::Value::kDoubleValue) {
        v = in.double_value();
      } else if (!is_text || !ParseDouble(text, spec.parse, spec.style, &v)) {
        return false;
      }
      out->set_double_value(v);
      return true;
    }
    case ColumnType::kBool: {
      bool v = false;
      if (kind == v1::Value::kBoolValue) {
        v = in.bool_value();
      } else if (kind == v1::Value::kIntValue) {
        if (in.int_value() != 0 && in.int_value() != 1) return false;
        v = in.int_value() == 1;
      } else if (!is_text || !ParseBool(text, &v)) {
        return false;
      }
      out->set_bool_value(v);
      return true;
    }
    case ColumnType::kTimestampMicros: {
      int64_t v = 0;
      if (kind == v1::Value::kTimestampMicros) {
        v = in.timestamp_micros();
      } else if (kind == v1::Value::kIntValue) {
        if (__builtin_mul_overflow(in.int_value(), int64_t{1'000'000}, &v)) return false;
      } else if (kind == v1::Value::kDoubleValue) {
        if (!SecondsToMicros(in.double_value(), &v)) return false;
      } else if (!is_text || !ParseDate(text, spec.date_format, &v)) {
        return false;
      }
      out->set_timestamp_micros(v);
      return true;
    }
  }
  return false;
}

std::string CoercionFailure(const CoercionSpec& spec) {
  switch (spec.type) {
    case ColumnType::kInt64:
      return "not an integer";
    case ColumnType::kBool:
      return "not a boolean";
    case ColumnType::kTimestampMicros:
      break;
    case ColumnType::kDouble:
    case ColumnType::kString:
      if (spec.parse != ParseMode::kDate) return "not a number";
      break;
  }
  return "not a date (expected " +
         (spec.date_format.empty() ? std::string("ISO 8601") : spec.date_format) + ")";
}

}  // namespace gleaner::rules
