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
  for (auto [patterns, compiled] : {std::pair{&source.scope.include, &scope->include_},
                                     std::pair{&source.scope.exclude, &scope->exclude_}}) {
    for (const auto& p : *patterns) {
      auto& re = compiled->emplace_back(std::make_unique<RE2>(p, RE2::Quiet));
      if (!re->ok()) return Status::InvalidArgument("scope pattern does not compile: " + re->error());
    }
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
    for (const auto& re : include_) any = any || RE2::PartialMatch(path, *re);
    if (!any) return "path matches no include pattern";
  }
  for (const auto& re : exclude_) {
    if (RE2::PartialMatch(path, *re)) return "path matches an exclude pattern";
  }
  return "";
}

}  // namespace gleaner::crawler
