// Value coercion: how scraped text ("$1,234.50", " 12 ", "03/04/2024") and
// JSON-typed values become the typed values a rules field declares. Pure
// functions; each parser returns false (output untouched) when the text is not
// entirely one value of its kind, so "12abc" is not 12.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/rules/rules_config.h"
#include "schema/gleaner.pb.h"

namespace gleaner::rules {

// Whitespace here is ASCII whitespace plus the Unicode spaces scraped pages
// carry: NBSP U+00A0, U+2000..U+200A, U+202F, U+205F and U+3000.
std::string_view TrimSpace(std::string_view text);

// Text normalisation of a field: trim, collapse runs of whitespace to one
// ASCII space (which implies trim), then case folding of ASCII and Latin-1
// letters (other scripts are kept as they are). Writes the result to *out.
struct TextNorm {
  bool trim = false;
  bool collapse_whitespace = false;
  CaseFold case_fold = CaseFold::kNone;
  bool active() const { return trim || collapse_whitespace || case_fold != CaseFold::kNone; }
};
void NormalizeText(std::string_view text, const TextNorm& norm, std::string* out);

// Number of UTF-8 code points (continuation bytes are not counted).
int64_t CodePointCount(std::string_view text);

// Decimal separator convention of parse: number|currency, from the field's
// `format`: "1.234,56" → kComma; anything else ("", "1,234.56") → kPoint.
enum class DecimalStyle { kPoint, kComma };
DecimalStyle DecimalStyleOf(std::string_view format);

// A number as text, after trimming. `mode` says what else is allowed:
//   kNone:     plain "-12", "+3.5e2", ".5" — no grouping, '.' decimals;
//   kNumber:   plus grouping separators in `style` ("1,234.5" / "1.234,5"; spaces,
//              NBSP and "'" group too) with groups of exactly three digits;
//   kCurrency: kNumber without exponents, plus a currency symbol or ISO code
//              before or after ("$", "€", "US$", "USD", "kr") and accounting
//              parentheses "(12.00)" → -12;
//   kPercent:  kNumber with an optional trailing '%'; the result is a fraction
//              ("12.5%" → 0.125) and a bare number counts as percent points too
//              ("12.5" → 0.125), since a percent column's sign is often dropped.
// kDate is treated as kNone. NaN and infinities are rejected.
bool ParseDouble(std::string_view text, ParseMode mode, DecimalStyle style, double* out);
// As ParseDouble, but the value must be integral and fit int64; integers are
// parsed exactly (not through a double) when written without fraction or exponent.
bool ParseInt64(std::string_view text, ParseMode mode, DecimalStyle style, int64_t* out);

inline bool ParseNumber(std::string_view text, DecimalStyle style, double* out) {
  return ParseDouble(text, ParseMode::kNumber, style, out);
}
inline bool ParseCurrency(std::string_view text, DecimalStyle style, double* out) {
  return ParseDouble(text, ParseMode::kCurrency, style, out);
}
inline bool ParsePercent(std::string_view text, DecimalStyle style, double* out) {
  return ParseDouble(text, ParseMode::kPercent, style, out);
}

// true/false/yes/no/y/n/1/0, case-insensitive, after trimming.
bool ParseBool(std::string_view text, bool* out);

// A time as UTC microseconds since the epoch. `format` is strptime-like:
// %Y (1-4 digits) %m %d %e %H %I %M %S (1-2 digits) %y (2 digits: 69-99 → 19xx,
// 00-68 → 20xx) %b %B %h (English month, full or 3-letter, any case) %a %A
// (weekday, ignored) %p (AM/PM) %f (fraction of a second, 1-9 digits) %z (Z,
// ±hh, ±hhmm, ±hh:mm) %%; whitespace in the format matches any run of
// whitespace (or none); other characters match themselves. Unset parts
// default to 1970-01-01 00:00:00 UTC. An empty format means ISO 8601:
// "2024-03-01", "2024-03-01T12:30[:45[.123456]]" ('T' or ' '), optionally
// followed by "Z" or an offset ±hh:mm / ±hhmm; no offset means UTC.
bool ParseDate(std::string_view text, std::string_view format, int64_t* micros);

// ISO 8601 UTC: "2024-03-01T12:30:45Z", with ".ffffff" when there are micros.
std::string FormatTimestamp(int64_t micros);

// The value as text, the way maps, regexes and reasons see it: strings, JSON
// and bytes as they are, 12 → "12", 0.5 → "0.5" (shortest round-trip form),
// true → "true", timestamps by FormatTimestamp, null → "". The view points
// into the value or into *scratch.
std::string_view ValueText(const v1::Value& value, std::string* scratch);

// How one field turns a staged value into its type.
struct CoercionSpec {
  schema::ColumnType type = schema::ColumnType::kString;  // a category coerces as a string
  ParseMode parse = ParseMode::kNone;
  DecimalStyle style = DecimalStyle::kPoint;
  std::string date_format = "";  // parse: date; empty = ISO 8601
};

// Coerces a non-null staged value; `text` is ValueText(in) (normalised for
// strings). Text (string, JSON, bytes) is parsed by spec.parse. Typed values:
//   int ← int, or an integral double; float ← int or double;
//   bool ← bool, or int 0/1; timestamp ← timestamp, or int/double taken as
//   epoch seconds; string/category ← the text, re-rendered canonically when
//   a parse mode is set (number → "1234.5", date → ISO 8601).
// False when the value does not coerce; *out is then unspecified.
bool CoerceValue(const v1::Value& in, std::string_view text, const CoercionSpec& spec,
                 v1::Value* out);

// What a failed coercion was expecting, for reasons: "not a number",
// "not an integer", "not a boolean", "not a date (expected %d/%m/%Y)".
std::string CoercionFailure(const CoercionSpec& spec);

}  // namespace gleaner::rules
