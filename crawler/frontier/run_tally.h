// RunTally: what one run of a job counted, wherever it is counted (the crawl
// engine for its own run, Redis for the run every worker of a job shares):
// URLs taken on (what max_pages bounds), pages fetched (any response that is
// not an error), the bytes every fetch received, and the URLs that failed
// for good, by error kind with the first message of each. A run that fetched
// nothing names its cause from it. A plain value; not thread-safe.
#pragma once

#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

// "connect", "robots unavailable": an error kind as summaries name it.
inline std::string ErrorKindWord(v1::ErrorKind kind) {
  std::string word = v1::ErrorKind_Name(kind);
  if (word.starts_with("ERROR_")) word.erase(0, 6);
  for (char& c : word) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  return word;
}

struct RunTally {
  uint64_t started = 0;
  uint64_t ok = 0;
  uint64_t bytes = 0;  // on the wire, retries and errors' bodies included
  // Per kind: how many URLs failed with it, and the first one's message.
  std::map<v1::ErrorKind, std::pair<uint64_t, std::string>> failures;

  void AddFailures(v1::ErrorKind kind, uint64_t count, const std::string& first_message) {
    auto& [total, message] = failures[kind];
    if (total == 0) message = first_message;
    total += count;
  }

  // ": 3 URLs failed: 2 connect (first message); 1 http status (HTTP 404)", or "".
  std::string DescribeFailures() const {
    uint64_t total = 0;
    std::string kinds;
    for (const auto& [kind, failed] : failures) {
      total += failed.first;
      kinds += (kinds.empty() ? "" : "; ") + std::to_string(failed.first) + ' ' +
               ErrorKindWord(kind) + " (" + failed.second + ')';
    }
    if (total == 0) return "";
    return ": " + std::to_string(total) + (total == 1 ? " URL" : " URLs") + " failed: " + kinds;
  }
};

}  // namespace gleaner::crawler
