// JobConfig: a crawl job as parsed and validated from YAML (configs/jobs/*.yaml,
// shape in shared/PRODUCT.md). Plain data; copyable; no behaviour beyond what
// the parser in job_parser.h guarantees: every field here is already valid
// (regexes compile, selectors parse, URLs are http/https, numbers in range).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/version.h"

namespace gleaner::crawler {

// How an HTML field takes its value from the elements its selector matches.
enum class TakeMode {
  kText,       // `text: true` (the default): the text as a browser renders it
  kRawText,    // `text: raw`: the text exactly as in the document
  kAttr,       // `attr: NAME`
  kInnerHtml,  // `html: true`
  kCount,      // `count: true`: the number of matches, an integer (0 for none)
};

struct HtmlFieldSpec {
  std::string name;
  std::string css;  // selector, relative to the record's root element
  TakeMode take = TakeMode::kText;
  std::string attr;   // for kAttr
  std::string regex;  // optional: first capture group (or whole match) of this RE2 regex
  bool all = false;   // take every match, joined as a JSON array, not the first
  // kText, kRawText, kInnerHtml: selectors (relative to the record's root, as
  // css is) whose matches inside a taken element are left out of its value.
  std::vector<std::string> exclude;
};

struct HtmlRecordSpec {
  std::string when;  // optional selector; the page holds records only if it matches
  std::string list;  // optional selector; each match is one record's root (default: the document)
  std::vector<HtmlFieldSpec> fields;
};

struct Scope {
  std::vector<std::string> domains;  // hosts (and their subdomains) allowed; empty = seeds' hosts
  int max_depth = 6;                 // link hops from a seed
  std::vector<std::string> include;  // RE2 regexes on the URL path+query; empty = all
  std::vector<std::string> exclude;
};

enum class PaginationKind { kNone, kNextLink, kPageParam, kOffsetParam, kCursor };

struct Pagination {
  PaginationKind kind = PaginationKind::kNone;
  std::string next_path;      // kNextLink: JSONPath of the next URL
  std::string param;          // kPageParam / kOffsetParam / kCursor: query parameter to set
  int64_t start = 1;          // first page number or offset
  int64_t step = 0;           // kOffsetParam: increment (default: records per page)
  std::string cursor_path;    // kCursor: JSONPath of the next cursor
  int64_t max_pages = 10000;  // hard stop
};

struct JsonFieldSpec {
  std::string name;
  std::string path;  // JSONPath relative to the record
};

struct SourceSpec {
  enum class Kind { kHtml, kJson } kind = Kind::kHtml;
  // html
  std::vector<std::string> seeds;
  std::vector<std::string> sitemaps;
  bool robots_sitemaps = false;  // also seed from the Sitemap: lines of the seed hosts' robots.txt
  Scope scope;
  std::vector<std::string>
      follow;  // selectors whose matches' href/src are followed (besides a[href])
  std::optional<HtmlRecordSpec> records;
  // json
  std::string url;
  std::string records_path = "$";          // JSONPath of the record array / objects
  std::vector<JsonFieldSpec> json_fields;  // empty = keep each record object whole
  Pagination paginate;
  std::map<std::string, std::string> headers;
  std::string bearer_token_env;  // name of the env var holding the token; never the token
};

struct Politeness {
  int concurrency = 64;  // requests in flight across all hosts
  int per_host = 8;      // requests in flight per host
  int delay_ms = 250;    // minimum gap between request starts on one host
  bool robots = true;
  std::string user_agent =
      std::string("gleaner/") + kVersionMajorMinor + " (+https://github.com/gleaner)";
};

struct RetryPolicy {
  int attempts = 4;      // total tries per URL, including the first
  int backoff_ms = 200;  // base of the exponential backoff
  int max_backoff_ms = 30000;
};

struct FetchLimits {
  int64_t max_body_bytes = 10 << 20;          // on the wire
  int64_t max_decompressed_bytes = 50 << 20;  // after Content-Encoding
  int connect_timeout_ms = 10000;
  int total_timeout_ms = 30000;
  int low_speed_bytes_per_s = 1000;  // abort when slower than this ...
  int low_speed_time_s = 10;         // ... for this long
  int max_redirects = 5;
};

struct JobConfig {
  std::string name;
  std::string source_path;  // the YAML file, for messages
  std::vector<SourceSpec> sources;
  Politeness politeness;
  RetryPolicy retry;
  FetchLimits limits;
  bool store_pages = false;           // keep raw pages in the pages family
  bool strip_tracking_params = true;  // utm_*, gclid, fbclid, ... removed when normalising
  int64_t max_pages = 0;              // 0 = unlimited
  std::string schedule;               // 5-field cron, used by `gleaner serve`
  // Paths as given, a relative one joined to the job file's folder, so that
  // the job means the same files from any working directory.
  std::string prepare_rules;  // the rules file
  std::string prepare_out;    // the dataset directory `gleaner run` writes
};

}  // namespace gleaner::crawler
