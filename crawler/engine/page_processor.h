// PageProcessor: everything done with a fetched body off the io thread —
// parse, extract records, find and normalise links, decide the next page of a
// paginated API. Built once per job (all selectors, paths and scope patterns
// compiled up front); Process is const and thread-safe, so the whole worker
// pool shares one instance.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crawler/engine/crawl_scope.h"
#include "crawler/extract/html_extractor.h"
#include "crawler/extract/json_extractor.h"
#include "crawler/job/job_config.h"
#include "crawler/url/url_normalizer.h"
#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

struct PageOutcome {
  std::vector<std::vector<v1::Field>> records;
  std::vector<v1::FrontierItem> links;  // normalised, in scope, with host keys
  uint64_t out_of_scope = 0;            // links dropped by the scope
  uint64_t links_over_cap = 0;          // HtmlExtraction::links_over_cap: not followed
  // The page's rel=canonical when it names another in-scope URL; that URL is
  // also among `links`, and the records belong to it, not to this page.
  std::string canonical;
  std::string parse_error;  // non-empty: the body could not be parsed
};

class PageProcessor {
 public:
  static Status Build(const JobConfig& job, std::unique_ptr<PageProcessor>* out);

  // `page_url` is the normalised URL the body came from (after redirects).
  PageOutcome Process(const v1::FrontierItem& item, const std::string& page_url,
                      const std::string& body) const;

  // The first request of each source: html seeds and sitemaps, or the json URL.
  Status SeedItems(std::vector<v1::FrontierItem>* out) const;

  // Sitemaps named by the robots.txt of `host_key`, as items of every html
  // source that asks for them (robots_sitemaps) and has a seed on that host.
  std::vector<v1::FrontierItem> RobotsSitemapItems(const std::string& host_key,
                                                   const std::vector<std::string>& sitemaps) const;

  const CrawlScope* scope(uint32_t source) const { return sources_[source].scope.get(); }

 private:
  struct Source {
    const SourceSpec* spec;
    std::unique_ptr<CrawlScope> scope;
    std::unique_ptr<HtmlExtractor> html;
    std::unique_ptr<JsonExtractor> json;
  };

  void ProcessHtml(const Source& src, const v1::FrontierItem& item, const std::string& page_url,
                   const std::string& body, PageOutcome* out) const;
  void ProcessJson(const Source& src, const v1::FrontierItem& item, const std::string& page_url,
                   const std::string& body, PageOutcome* out) const;
  void ProcessSitemap(const Source& src, const v1::FrontierItem& item, const std::string& page_url,
                      const std::string& body, PageOutcome* out) const;
  // Resolves, normalises and scope-checks one link into *out.
  void AddLink(const Source& src, const LinkResolver& links, std::string_view href,
               const v1::FrontierItem& from, uint32_t depth, bool is_sitemap,
               PageOutcome* out) const;
  // Scope-checks one resolved link into *out.
  void AddResolvedLink(const Source& src, NormalizedUrl url, const v1::FrontierItem& from,
                       uint32_t depth, bool is_sitemap, PageOutcome* out) const;

  JobConfig job_;
  NormalizeOptions normalize_;
  std::vector<Source> sources_;
};

// Sets (or replaces) one query parameter of a URL; the value is percent-encoded.
Status SetQueryParam(const std::string& url, const std::string& name, const std::string& value,
                     std::string* out);

}  // namespace gleaner::crawler
