// JobConfig: a crawl job as parsed and validated from YAML (configs/jobs/*.yaml,
// shape in shared/PRODUCT.md). Plain data; copyable; no behaviour beyond what
// the parser in job_parser.h guarantees: every field here is already valid
// (regexes compile, selectors parse, URLs are http/https, numbers in range).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/version.h"
#include "crawler/extract/extract_spec.h"
#include "crawler/fetch/fetch_limits.h"

namespace gleaner::crawler {

struct Scope {
  std::vector<std::string> domains;  // hosts (and their subdomains) allowed; empty = seeds' hosts
  int max_depth = 6;                 // link hops from a seed
  std::vector<std::string> include;  // RE2 regexes on the URL path+query; empty = all
  std::vector<std::string> exclude;
};

// One source of a job: where its pages come from, and (the ExtractSpec it
// is) how records are taken from them.
struct SourceSpec : ExtractSpec {
  // html
  std::vector<std::string> seeds;
  std::vector<std::string> sitemaps;
  bool robots_sitemaps = false;  // also seed from the Sitemap: lines of the seed hosts' robots.txt
  Scope scope;
  // json
  std::string url;
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

// How often a later run revisits each known URL (`recrawl:`). Without the
// block every run revisits every known URL. With it each URL keeps its own
// interval in [min, max]: a fetch that finds the URL unchanged (304, or the
// same records) multiplies it by `increase`, one that finds it changed by
// `decrease`; a URL not due yet is carried over to a later run. With
// `remove_unlinked`, a run that completes removes the records of the known
// URLs no page of the run links to (unlinked_sweep.h).
struct RecrawlPolicy {
  bool adaptive = false;  // the block sets intervals (any interval key, or `{}`)
  bool remove_unlinked = false;
  int64_t min_interval_micros = 3600LL * 1000000;        // 1 h
  int64_t max_interval_micros = 30 * 86400LL * 1000000;  // 30 d
  double increase = 1.2;
  double decrease = 0.98;
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
  RecrawlPolicy recrawl;
  // Paths as given, a relative one joined to the job file's folder, so that
  // the job means the same files from any working directory.
  std::string prepare_rules;  // the rules file
  std::string prepare_out;    // the dataset directory `gleaner run` writes
  // The rules file's text, for a job sent to `gleaner serve` (which never
  // reads prepare_rules, a client's path): set from the request, kept in the
  // job's JobSpec.
  std::string prepare_rules_yaml;
};

}  // namespace gleaner::crawler
