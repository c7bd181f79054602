// CrawlScope: decides whether a discovered URL belongs to an html source's
// crawl (allowed domains, link depth, include/exclude patterns on the path
// and query). Built once per source; const methods are thread-safe.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/job/job_config.h"
#include "crawler/url/url_normalizer.h"

namespace gleaner::crawler {

class CrawlScope {
 public:
  // Domains default to the hosts of the seeds (and sitemaps) when the source lists none.
  static Status Build(const SourceSpec& source, std::unique_ptr<CrawlScope>* out);

  // Empty when `url` at `depth` is in scope, else why not. Parses nothing.
  std::string Check(const NormalizedUrl& url, uint32_t depth) const;

 private:
  std::vector<std::string> domains_;
  int max_depth_ = 0;
  // RE2, as every pattern of a job: linked pages choose the paths matched.
  std::vector<std::unique_ptr<RE2>> include_;
  std::vector<std::unique_ptr<RE2>> exclude_;
};

}  // namespace gleaner::crawler
