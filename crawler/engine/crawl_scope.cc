#include "crawler/engine/crawl_scope.h"

namespace gleaner::crawler {

Status CrawlScope::Build(const SourceSpec& source, std::unique_ptr<CrawlScope>* out) {
  auto scope = std::make_unique<CrawlScope>();
  scope->max_depth_ = source.scope.max_depth;
  for (const auto& d : source.scope.domains) {
    std::string lower;
    for (char c : d)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    scope->domains_.push_back(lower);
  }
  if (scope->domains_.empty()) {
    std::vector<std::string> roots = source.seeds;
    roots.insert(roots.end(), source.sitemaps.begin(), source.sitemaps.end());
    for (const auto& url : roots) {
      NormalizedUrl normalized;
      if (NormalizeUrl(url, {}, &normalized).ok()) scope->domains_.push_back(normalized.host);
    }
  }
  try {
    for (const auto& p : source.scope.include)
      scope->include_.emplace_back(p, std::regex::ECMAScript);
    for (const auto& p : source.scope.exclude)
      scope->exclude_.emplace_back(p, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument(std::string("scope pattern does not compile: ") + e.what());
  }
  *out = std::move(scope);
  return Status::OK();
}

std::string CrawlScope::Check(const NormalizedUrl& url, uint32_t depth) const {
  if (static_cast<int>(depth) > max_depth_)
    return "deeper than max_depth " + std::to_string(max_depth_);
  const std::string& host = url.host;
  bool domain_ok = false;
  for (const auto& d : domains_) {
    if (host == d ||
        (host.size() > d.size() && host.compare(host.size() - d.size(), d.size(), d) == 0 &&
         host[host.size() - d.size() - 1] == '.')) {
      domain_ok = true;
      break;
    }
  }
  if (!domain_ok) return "host " + host + " is not in the job's domains";
  const std::string& path = url.path_and_query;
  if (!include_.empty()) {
    bool any = false;
    for (const auto& re : include_) any = any || std::regex_search(path, re);
    if (!any) return "path matches no include pattern";
  }
  for (const auto& re : exclude_) {
    if (std::regex_search(path, re)) return "path matches an exclude pattern";
  }
  return "";
}

}  // namespace gleaner::crawler
