// PII redaction: hides e-mail addresses and phone numbers inside free text,
// and the whole-value mask and hash behind a field's `redact:`. Hashes are
// HMAC-SHA-256 under a secret salt, so equal values stay joinable without
// being reversible by a dictionary of known values.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/rules/rules_config.h"

namespace re2 {
class RE2;
}

namespace gleaner::rules {

// HMAC-SHA-256 of `data` under `key`, as 64 lowercase hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// Replaces every code point of *text with one '*' ("José" → "****").
void MaskCodePoints(std::string* text);

// Finds e-mail addresses and phone numbers in text. Phones are numbers of 7 to
// 15 digits written the way phones are: with a leading +country code
// ("+44 20 7946 0958", "+1 (555) 123-4567"), US style ("(555) 123-4567",
// "555.123.4567") or a national trunk 0 ("020 7946 0958", "01 23 45 67 89");
// prices, dates and bare digit runs are not phones. Immutable once built, so
// one redactor may be shared by threads.
class PiiRedactor {
 public:
  // `salt` is the HMAC key for RedactMode::kHash (ignored for kMask).
  PiiRedactor(const std::vector<PiiPattern>& patterns, RedactMode mode, std::string salt);
  ~PiiRedactor();

  // Replaces each match in *text by "[email]" / "[phone]" (mask) or by the
  // match's HMAC hex (hash). Returns whether anything was replaced.
  bool Redact(std::string* text) const;

 private:
  std::unique_ptr<re2::RE2> regex_;
  bool email_ = false;
  bool phone_ = false;
  int groups_ = 0;  // submatches to ask RE2 for
  RedactMode mode_;
  std::string salt_;
};

}  // namespace gleaner::rules
