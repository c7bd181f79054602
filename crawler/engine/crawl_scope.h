// CrawlScope: decides whether a discovered URL belongs to an html source's
// crawl (allowed domains, link depth, include/exclude patterns on the path
// and query). Built once per source; const methods are thread-safe.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/job/job_config.h"

namespace gleaner::crawler {

class CrawlScope {
 public:
  // Domains default to the hosts of the seeds (and sitemaps) when the source lists none.
  static Status Build(const SourceSpec& source, std::unique_ptr<CrawlScope>* out);

  // Empty when `normalized_url` at `depth` is in scope, else why not.
  std::string Check(const std::string& normalized_url, uint32_t depth) const;

 private:
  std::vector<std::string> domains_;
  int max_depth_ = 0;
  std::vector<std::regex> include_;
  std::vector<std::regex> exclude_;
};

// The host of a URL in normal form, without port ("" when unparseable).
std::string HostOf(const std::string& normalized_url);

}  // namespace gleaner::crawler
