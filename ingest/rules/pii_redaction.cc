#include "ingest/rules/pii_redaction.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <re2/re2.h>

#include <algorithm>

namespace gleaner::rules {
namespace {

// Local part, then a domain of dot-separated labels ending in a 2+ letter TLD.
constexpr char kEmail[] = R"([A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
                          R"((?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,})";
// International (+CC then digit groups), US (3-3-4 with an optional
// parenthesised area code), national trunk-0 formats (French pairs, UK-like
// 3/4-digit groups). Separators are space, '.' or '-', never ',' so amounts
// like 1,234,567.89 stay out; the digit count is checked after matching.
constexpr char kPhone[] = R"(\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}\b)"
                          R"(|(?:\(\d{3}\)[ .-]?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b)"
                          R"(|\b0\d(?:[ .-]?\d{2}){4}\b)"
                          R"(|\b0\d{2,4}[ .-]\d{3,4}[ .-]?\d{3,4}\b)";

constexpr int kMinPhoneDigits = 7;
constexpr int kMaxPhoneDigits = 15;

int DigitCount(std::string_view s) {
  return static_cast<int>(
      std::count_if(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 0xF];
  }
  return out;
}

void MaskCodePoints(std::string* text) {
  size_t n = 0;
  for (const char c : *text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  text->assign(n, '*');
}

PiiRedactor::PiiRedactor(const std::vector<PiiPattern>& patterns, RedactMode mode, std::string salt)
    : mode_(mode), salt_(std::move(salt)) {
  email_ = std::find(patterns.begin(), patterns.end(), PiiPattern::kEmail) != patterns.end();
  phone_ = std::find(patterns.begin(), patterns.end(), PiiPattern::kPhone) != patterns.end();
  // Group 1 is an e-mail when e-mails are on; they come first so the digits
  // of "555-123-4567@example.com" are part of an address, not a phone.
  std::string pattern;
  if (email_) pattern = std::string("(") + kEmail + ")";
  if (email_ && phone_) pattern += "|";
  if (phone_) pattern += std::string("(") + kPhone + ")";
  regex_ = std::make_unique<re2::RE2>(pattern);
  groups_ = 1 + regex_->NumberOfCapturingGroups();
}

PiiRedactor::~PiiRedactor() = default;

bool PiiRedactor::Redact(std::string* text) const {
  // Most values hold neither an '@' nor enough digits: skip the regex for them.
  const bool maybe_email = email_ && text->find('@') != std::string::npos;
  const bool maybe_phone = phone_ && DigitCount(*text) >= kMinPhoneDigits;
  if (!maybe_email && !maybe_phone) return false;

  const re2::StringPiece input(*text);
  re2::StringPiece groups[3];
  std::string out;
  bool changed = false;
  size_t copied = 0, pos = 0;
  while (pos < input.size() &&
         regex_->Match(input, pos, input.size(), re2::RE2::UNANCHORED, groups, groups_)) {
    const size_t start = groups[0].data() - input.data();
    const size_t end = start + groups[0].size();
    pos = std::max(end, start + 1);
    const bool is_email = email_ && groups[1].data() != nullptr;
    if (!is_email) {
      const int digits = DigitCount(std::string_view(groups[0].data(), groups[0].size()));
      if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) continue;
    }
    out.append(*text, copied, start - copied);
    if (mode_ == RedactMode::kHash) {
      out += HmacSha256Hex(salt_, std::string_view(groups[0].data(), groups[0].size()));
    } else {
      out += is_email ? "[email]" : "[phone]";
    }
    copied = end;
    changed = true;
  }
  if (!changed) return false;
  out.append(*text, copied, std::string::npos);
  *text = std::move(out);
  return true;
}

}  // namespace gleaner::rules
