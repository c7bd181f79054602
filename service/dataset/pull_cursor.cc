#include "service/dataset/pull_cursor.h"

#include <xxhash.h>

#include <charconv>
#include <vector>

namespace gleaner::service {

namespace {

constexpr std::string_view kVersion = "p1";

bool ParseU64(std::string_view s, int base, uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::string Hex(uint64_t v) {
  char buf[17];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, 16);
  return std::string(buf, end);
}

}  // namespace

uint64_t RulesHash(std::string_view rules_yaml) {
  return XXH3_64bits(rules_yaml.data(), rules_yaml.size());
}

std::string PullCursor::Encode() const {
  return std::string(kVersion) + "." + std::to_string(record_seq) + "." + Hex(rules_hash) + "." +
         split + "." + std::to_string(rows);
}

Status PullCursor::Decode(std::string_view token, PullCursor* out) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  PullCursor c;
  if (parts.size() != 5 || parts[0] != kVersion || !ParseU64(parts[1], 10, &c.record_seq) ||
      !ParseU64(parts[2], 16, &c.rules_hash) || parts[3].empty() ||
      !ParseU64(parts[4], 10, &c.rows)) {
    return Status::InvalidArgument("resume_token: not a token this server made");
  }
  c.split = std::string(parts[3]);
  *out = std::move(c);
  return Status::OK();
}

}  // namespace gleaner::service
