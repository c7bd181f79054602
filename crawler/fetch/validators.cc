#include "crawler/fetch/validators.h"

#include <algorithm>
#include <cctype>

namespace gleaner::crawler {
namespace {

bool StartsWithIgnoreCase(std::string_view text, std::string_view lower_prefix) {
  return text.size() >= lower_prefix.size() &&
         std::equal(lower_prefix.begin(), lower_prefix.end(), text.begin(), [](char lower, char c) {
           return std::tolower(static_cast<unsigned char>(c)) == lower;
         });
}

}  // namespace

bool IsSafeValidator(std::string_view value) {
  return !value.empty() && value.size() <= kMaxValidatorBytes &&
         value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void TakeValidator(const v1::Header& header, Validators* validators) {
  std::string* slot = header.name() == "etag"            ? &validators->etag
                      : header.name() == "last-modified" ? &validators->last_modified
                                                         : nullptr;
  if (slot != nullptr && slot->empty() && IsSafeValidator(header.value())) *slot = header.value();
}

std::vector<std::string> ConditionalHeaders(const Validators& validators) {
  std::vector<std::string> lines;
  if (IsSafeValidator(validators.etag)) lines.push_back("If-None-Match: " + validators.etag);
  if (IsSafeValidator(validators.last_modified)) {
    lines.push_back("If-Modified-Since: " + validators.last_modified);
  }
  return lines;
}

bool IsConditionalHeader(std::string_view line) {
  return StartsWithIgnoreCase(line, "if-none-match:") ||
         StartsWithIgnoreCase(line, "if-modified-since:");
}

}  // namespace gleaner::crawler
