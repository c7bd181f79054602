#include "ingest/report/label_text.h"

namespace gleaner::report {

std::string Shorten(std::string_view text, size_t max_code_points) {
  auto starts_code_point = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  size_t code_points = 0;
  for (char c : text) code_points += starts_code_point(c);
  if (code_points <= max_code_points || max_code_points == 0) return std::string(text);
  // Keep max_code_points - 1 code points, then the ellipsis.
  size_t kept = 0;
  size_t end = 0;
  for (; end < text.size(); ++end) {
    if (starts_code_point(text[end]) && kept++ == max_code_points - 1) break;
  }
  return std::string(text.substr(0, end)) + "\u2026";
}

}  // namespace gleaner::report
