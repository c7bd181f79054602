#include "crawler/robots/robots_rules.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "crawler/url/percent_encoding.h"

namespace gleaner::crawler {
namespace {

constexpr std::string_view kSerializedHeader = "robots1";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::string AsciiLowered(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

// The product token of a user agent: "gleaner/0.1 (+contact)" -> "gleaner".
// Applied to both our user agent and User-agent values, so a robots.txt
// naming "Gleaner/2" still addresses us.
std::string ProductToken(std::string_view agent) {
  agent = Trimmed(agent);
  const size_t end = agent.find_first_of("/ \t");
  return AsciiLowered(agent.substr(0, end));
}

// Calls visit(line) for each line, whatever the line ending (CR, LF, CRLF).
template <typename Visitor>
void ForEachLine(std::string_view text, Visitor visit) {
  while (!text.empty()) {
    const size_t end = text.find_first_of("\r\n");
    visit(text.substr(0, end));
    if (end == std::string_view::npos) break;
    const size_t next =
        (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? end + 2 : end + 1;
    text.remove_prefix(next);
  }
}

// The part of the body Parse reads: no BOM, and at most kMaxRobotsBytes cut
// at a line end, so a rule is never read half-way ("Disallow: /private"
// truncated to "Disallow: /" would block the whole site). The cap counts the
// BOM, so a fetched prefix with a BOM is still known to be one.
std::string_view ReadablePart(std::string_view body) {
  if (body.size() > kMaxRobotsBytes) {
    body = body.substr(0, kMaxRobotsBytes);
    const size_t last_break = body.find_last_of("\r\n");
    body = last_break == std::string_view::npos ? std::string_view() : body.substr(0, last_break);
  }
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (body.starts_with(kUtf8Bom)) body.remove_prefix(kUtf8Bom.size());
  return body;
}

struct Line {
  std::string key;  // lower-case
  std::string_view value;
};

// Splits "Key: value # comment". Without a colon, the first run of spaces
// separates key and value ("Disallow /tmp"), as lenient parsers do.
std::optional<Line> SplitLine(std::string_view raw) {
  std::string_view line = Trimmed(raw.substr(0, raw.find('#')));
  if (line.empty()) return std::nullopt;
  size_t separator = line.find(':');
  if (separator == std::string_view::npos) {
    separator = line.find_first_of(" \t");
    if (separator == std::string_view::npos) return std::nullopt;
  }
  return Line{AsciiLowered(Trimmed(line.substr(0, separator))),
              Trimmed(line.substr(separator + 1))};
}

std::optional<double> ParseSeconds(std::string_view text) {
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return seconds;
}

std::string FormatSeconds(double seconds) {
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), seconds);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

// '*' matches any run of bytes; a final '$' anchors the end, otherwise the
// pattern only has to match a prefix. Greedy with one backtrack point, which
// is exact for patterns whose only wildcard is '*'.
bool PatternMatches(std::string_view pattern, std::string_view path) {
  const bool anchored = pattern.ends_with('$');
  if (anchored) pattern.remove_suffix(1);
  size_t p = 0, s = 0;
  size_t star = std::string_view::npos, star_s = 0;
  while (s < path.size()) {
    if (p == pattern.size() && !anchored) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The rules of the groups addressed to one kind of agent, merged.
struct GroupRules {
  bool found = false;
  std::vector<std::pair<bool, std::string_view>> rules;  // (allow, pattern)
  std::optional<double> crawl_delay_seconds;
};

}  // namespace

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view user_agent) {
  const std::string our_token = ProductToken(user_agent);
  RobotsRules result;
  GroupRules ours, everyone;
  // The group being read: who its User-agent lines address, and whether a
  // rule has been seen since them (the next User-agent line starts a new group).
  bool group_is_ours = false, group_is_everyones = false, group_has_rules = false;
  bool in_group = false;

  ForEachLine(ReadablePart(body), [&](std::string_view raw) {
    const std::optional<Line> line = SplitLine(raw);
    if (!line) return;
    if (line->key == "sitemap") {
      if (!line->value.empty()) result.sitemaps_.emplace_back(line->value);
      return;
    }
    if (line->key == "user-agent") {
      if (!in_group || group_has_rules) {
        group_is_ours = group_is_everyones = group_has_rules = false;
        in_group = true;
      }
      const std::string token = ProductToken(line->value);
      group_is_ours |= !our_token.empty() && token == our_token;
      group_is_everyones |= token == "*";
      ours.found |= group_is_ours;
      everyone.found |= group_is_everyones;
      return;
    }
    const bool is_rule = line->key == "allow" || line->key == "disallow";
    const bool is_delay = line->key == "crawl-delay";
    if (!is_rule && !is_delay) return;  // unknown lines neither add rules nor end a group
    if (!in_group) return;              // rules before any User-agent address nobody
    group_has_rules = true;
    for (GroupRules* group :
         {group_is_ours ? &ours : nullptr, group_is_everyones ? &everyone : nullptr}) {
      if (group == nullptr) continue;
      if (is_rule) {
        group->rules.emplace_back(line->key == "allow", line->value);
      } else if (!group->crawl_delay_seconds) {
        group->crawl_delay_seconds = ParseSeconds(line->value);
      }
    }
  });

  const GroupRules* selected = ours.found ? &ours : everyone.found ? &everyone : nullptr;
  if (selected != nullptr) {
    for (const auto& [allow, pattern] : selected->rules) result.AddRule(allow, pattern);
    result.crawl_delay_seconds_ = selected->crawl_delay_seconds;
  }
  result.SortByPrecedence();
  return result;
}

RobotsRules RobotsRules::AllowAll() { return RobotsRules(); }

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.AddRule(/*allow=*/false, "/");
  return rules;
}

void RobotsRules::AddRule(bool allow, std::string_view pattern) {
  // An empty pattern matches nothing: "Disallow:" allows everything.
  if (pattern.empty()) return;
  std::string normalized = NormalizePercentEncoding(pattern, EncodeSet::kPathAndQuery);
  // Paths start with '/'; a pattern written without it ("Disallow: tmp/") means the same path.
  if (normalized.front() != '/' && normalized.front() != '*') normalized.insert(0, "/");
  rules_.push_back(Rule{allow, std::move(normalized)});
}

void RobotsRules::SortByPrecedence() {
  std::stable_sort(rules_.begin(), rules_.end(), [](const Rule& a, const Rule& b) {
    if (a.pattern.size() != b.pattern.size()) return a.pattern.size() > b.pattern.size();
    return a.allow && !b.allow;
  });
}

bool RobotsRules::IsAllowed(std::string_view path_and_query) const {
  std::string path = NormalizePercentEncoding(path_and_query, EncodeSet::kPathAndQuery);
  if (path.empty()) path = "/";
  if (path == "/robots.txt") return true;
  for (const Rule& rule : rules_) {
    if (PatternMatches(rule.pattern, path)) return rule.allow;
  }
  return true;
}

// One entry per line: "A pattern", "D pattern", "C seconds", "S url". No
// field can hold a line break: patterns are percent-encoded and sitemap
// values were read from single lines.
std::string RobotsRules::Serialize() const {
  std::string out(kSerializedHeader);
  out += '\n';
  for (const Rule& rule : rules_) {
    out += rule.allow ? "A " : "D ";
    out += rule.pattern;
    out += '\n';
  }
  if (crawl_delay_seconds_) out += "C " + FormatSeconds(*crawl_delay_seconds_) + "\n";
  for (const std::string& sitemap : sitemaps_) out += "S " + sitemap + "\n";
  return out;
}

Status RobotsRules::Deserialize(std::string_view encoded, RobotsRules* rules) {
  if (!encoded.starts_with(kSerializedHeader) ||
      encoded.substr(kSerializedHeader.size(), 1) != "\n") {
    return Status::Corruption("cached robots rules lack the 'robots1' header");
  }
  encoded.remove_prefix(kSerializedHeader.size() + 1);
  RobotsRules decoded;
  Status status;
  ForEachLine(encoded, [&](std::string_view line) {
    if (!status.ok()) return;
    if (line.size() < 3 || line[1] != ' ') {
      status = Status::Corruption("cached robots rules hold a malformed line");
      return;
    }
    const std::string_view value = line.substr(2);
    switch (line[0]) {
      case 'A':
      case 'D':
        decoded.AddRule(line[0] == 'A', value);
        break;
      case 'C':
        decoded.crawl_delay_seconds_ = ParseSeconds(value);
        if (!decoded.crawl_delay_seconds_) {
          status = Status::Corruption("cached robots rules hold a bad crawl delay");
        }
        break;
      case 'S':
        decoded.sitemaps_.emplace_back(value);
        break;
      default:
        status = Status::Corruption("cached robots rules hold an unknown line '" +
                                    std::string(line.substr(0, 40)) + "'");
    }
  });
  GLEANER_RETURN_IF_ERROR(status);
  decoded.SortByPrecedence();
  *rules = std::move(decoded);
  return Status::OK();
}

}  // namespace gleaner::crawler
