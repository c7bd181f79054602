// RobotsRules: what one host's robots.txt (RFC 9309) says to our user agent,
// reduced to the crawler's questions: may this path be fetched, how long to
// wait between requests, which sitemaps are announced. A value type: copyable,
// immutable once built, and its const methods are safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gleaner::crawler {

// Bytes of a robots.txt body that Parse reads; RFC 9309 lets crawlers stop at 500 KiB.
inline constexpr size_t kMaxRobotsBytes = 500 * 1024;
// Bytes of a robots.txt worth fetching: one past what Parse reads, so that
// Parse can tell a file that goes on past the cap (and must be cut at its last
// whole line) from one that ends there.
inline constexpr size_t kRobotsFetchBytes = kMaxRobotsBytes + 1;

class RobotsRules {
 public:
  // Allows everything (as AllowAll()).
  RobotsRules() = default;

  // Parses a robots.txt body for `user_agent` (e.g. "gleaner/0.1 (+contact)",
  // whose product token "gleaner" is matched case-insensitively). All groups
  // naming the token are merged; if none does, all "*" groups are; if there is
  // neither, everything is allowed. Never fails: unknown or broken lines are
  // skipped, and only the first kMaxRobotsBytes (whole lines) are read; a
  // longer `body` may be a prefix of the file (kRobotsFetchBytes of it).
  static RobotsRules Parse(std::string_view body, std::string_view user_agent);

  // For a robots.txt that does not exist (4xx).
  static RobotsRules AllowAll();
  // For a robots.txt that cannot be read (5xx, unreachable): RFC 9309 says
  // to assume complete disallow.
  static RobotsRules DisallowAll();

  // `path_and_query` is the URL's path plus "?query" ("/" if empty). The
  // longest matching pattern decides, Allow wins a tie, no match allows, and
  // /robots.txt itself is always allowed.
  bool IsAllowed(std::string_view path_and_query) const;

  // The non-standard Crawl-delay of the selected group, in seconds.
  std::optional<double> crawl_delay_seconds() const { return crawl_delay_seconds_; }

  // Sitemap URLs as written, from anywhere in the file, in file order.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

  // A compact text encoding for caching parsed rules per host; Deserialize
  // returns Corruption for anything Serialize did not produce.
  std::string Serialize() const;
  static Status Deserialize(std::string_view encoded, RobotsRules* rules);

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;  // percent-encoding normalised; '*' and a final '$' are wildcards
  };

  void AddRule(bool allow, std::string_view pattern);
  // Orders rules so that the first match is the one that decides.
  void SortByPrecedence();

  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_seconds_;
  std::vector<std::string> sitemaps_;
};

}  // namespace gleaner::crawler
