#include "crawler/engine/page_processor.h"

#include <curl/curl.h>

#include <string_view>

#include "common/curl_library.h"
#include "crawler/sitemap/sitemap_parser.h"
#include "crawler/url/url_normalizer.h"

namespace gleaner::crawler {

Status SetQueryParam(const std::string& url, const std::string& name, const std::string& value,
                     std::string* out) {
  const CurlLibrary* curl = nullptr;
  GLEANER_RETURN_IF_ERROR(SharedCurl(&curl));
  std::unique_ptr<CURLU, decltype(curl->url_cleanup)> u(curl->url(), curl->url_cleanup);
  if (curl->url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("not a URL: " + url);
  }
  char* query = nullptr;
  std::string kept;
  if (curl->url_get(u.get(), CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
    std::string q(query);
    curl->free(query);
    size_t start = 0;
    while (start <= q.size()) {
      size_t amp = q.find('&', start);
      std::string part =
          q.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      std::string key = part.substr(0, part.find('='));
      if (!part.empty() && key != name) kept += (kept.empty() ? "" : "&") + part;
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  char* escaped = curl->easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
  kept += (kept.empty() ? "" : "&") + name + "=" + (escaped ? escaped : "");
  curl->free(escaped);
  curl->url_set(u.get(), CURLUPART_QUERY, kept.c_str(), 0);
  char* full = nullptr;
  if (curl->url_get(u.get(), CURLUPART_URL, &full, 0) != CURLUE_OK) {
    return Status::InvalidArgument("cannot rebuild URL " + url);
  }
  *out = full;
  curl->free(full);
  return Status::OK();
}

Status PageProcessor::Build(const JobConfig& job, std::unique_ptr<PageProcessor>* out) {
  std::unique_ptr<PageProcessor> p(new PageProcessor());
  p->job_ = job;
  p->normalize_.strip_tracking_params = job.strip_tracking_params;
  for (const auto& spec : p->job_.sources) {
    Source src;
    src.spec = &spec;
    if (spec.kind == SourceSpec::Kind::kHtml) {
      GLEANER_RETURN_IF_ERROR(CrawlScope::Build(spec, &src.scope));
      GLEANER_RETURN_IF_ERROR(HtmlExtractor::Compile(spec, &src.html));
    } else {
      GLEANER_RETURN_IF_ERROR(JsonExtractor::Compile(spec, &src.json));
    }
    p->sources_.push_back(std::move(src));
  }
  *out = std::move(p);
  return Status::OK();
}

Status PageProcessor::SeedItems(std::vector<v1::FrontierItem>* out) const {
  auto add = [&](uint32_t source, const std::string& url, bool is_sitemap, int64_t page) -> Status {
    v1::FrontierItem item;
    NormalizedUrl normalized;
    GLEANER_RETURN_IF_ERROR(NormalizeUrl(url, normalize_, &normalized).Annotate("seed " + url));
    item.set_url(std::move(normalized.url));
    item.set_host_key(std::move(normalized.host_key));
    item.set_source(source);
    item.set_is_sitemap(is_sitemap);
    item.set_page(page);
    out->push_back(std::move(item));
    return Status::OK();
  };
  for (uint32_t i = 0; i < sources_.size(); ++i) {
    const SourceSpec& s = *sources_[i].spec;
    if (s.kind == SourceSpec::Kind::kHtml) {
      for (const auto& seed : s.seeds) GLEANER_RETURN_IF_ERROR(add(i, seed, false, 0));
      for (const auto& map : s.sitemaps) GLEANER_RETURN_IF_ERROR(add(i, map, true, 0));
      continue;
    }
    std::string first = s.url;
    const Pagination& pg = s.paginate;
    if (pg.kind == PaginationKind::kPageParam || pg.kind == PaginationKind::kOffsetParam) {
      GLEANER_RETURN_IF_ERROR(SetQueryParam(s.url, pg.param, std::to_string(pg.start), &first));
    }
    GLEANER_RETURN_IF_ERROR(add(i, first, false, pg.start));
  }
  return Status::OK();
}

std::vector<v1::FrontierItem> PageProcessor::RobotsSitemapItems(
    const std::string& host_key, const std::vector<std::string>& sitemaps) const {
  PageOutcome collected;
  LinkResolver links;
  if (!LinkResolver::Make(host_key + "/", normalize_, &links).ok()) return {};
  for (uint32_t i = 0; i < sources_.size(); ++i) {
    const Source& src = sources_[i];
    if (!src.html || !src.spec->robots_sitemaps) continue;
    bool seeds_this_host = false;
    for (const auto& seed : src.spec->seeds) {
      NormalizedUrl normalized;
      seeds_this_host |=
          NormalizeUrl(seed, normalize_, &normalized).ok() && normalized.host_key == host_key;
    }
    if (!seeds_this_host) continue;
    v1::FrontierItem from;
    from.set_source(i);
    for (const auto& map : sitemaps) AddLink(src, links, map, from, 0, true, &collected);
  }
  return std::move(collected.links);
}

PageOutcome PageProcessor::Process(const v1::FrontierItem& item, const std::string& page_url,
                                   const std::string& body) const {
  PageOutcome out;
  if (item.source() >= sources_.size()) {
    out.parse_error = "item of unknown source " + std::to_string(item.source());
    return out;
  }
  const Source& src = sources_[item.source()];
  if (item.is_sitemap()) {
    ProcessSitemap(src, item, page_url, body, &out);
  } else if (src.html) {
    ProcessHtml(src, item, page_url, body, &out);
  } else {
    ProcessJson(src, item, page_url, body, &out);
  }
  return out;
}

void PageProcessor::AddLink(const Source& src, const LinkResolver& links, std::string_view href,
                            const v1::FrontierItem& from, uint32_t depth, bool is_sitemap,
                            PageOutcome* out) const {
  NormalizedUrl url;
  if (!links.Resolve(href, &url).ok()) return;  // mailto:, javascript:, garbage
  AddResolvedLink(src, std::move(url), from, depth, is_sitemap, out);
}

void PageProcessor::AddResolvedLink(const Source& src, NormalizedUrl url,
                                    const v1::FrontierItem& from, uint32_t depth, bool is_sitemap,
                                    PageOutcome* out) const {
  if (!src.scope->Check(url, depth).empty()) {
    ++out->out_of_scope;
    return;
  }
  v1::FrontierItem link;
  link.set_url(std::move(url.url));
  link.set_host_key(std::move(url.host_key));
  link.set_depth(depth);
  link.set_source(from.source());
  link.set_is_sitemap(is_sitemap);
  out->links.push_back(std::move(link));
}

void PageProcessor::ProcessHtml(const Source& src, const v1::FrontierItem& item,
                                const std::string& page_url, const std::string& body,
                                PageOutcome* out) const {
  HtmlExtraction ex;
  Status s = src.html->Extract(body, &ex);
  if (!s.ok()) {
    out->parse_error = s.message();
    return;
  }
  out->records = std::move(ex.records);
  out->links_over_cap = ex.links_over_cap;
  std::string base = page_url;
  if (!ex.base_href.empty()) {
    std::string resolved;
    if (ResolveUrl(page_url, ex.base_href, normalize_, &resolved).ok()) base = resolved;
  }
  // The base is parsed once for all the page's links; if it does not parse, no link resolves.
  LinkResolver links;
  if (!LinkResolver::Make(base, normalize_, &links).ok()) return;
  // The extractor lists each href once, at most kMaxLinksPerPage of them.
  for (const auto& href : ex.links) AddLink(src, links, href, item, item.depth() + 1, false, out);
  NormalizedUrl canonical;
  if (!ex.canonical.empty() && links.Resolve(ex.canonical, &canonical).ok() &&
      canonical.url != page_url && src.scope->Check(canonical, item.depth()).empty()) {
    out->canonical = canonical.url;
    AddResolvedLink(src, std::move(canonical), item, item.depth(), false, out);
  }
}

void PageProcessor::ProcessJson(const Source& src, const v1::FrontierItem& item,
                                const std::string& page_url, const std::string& body,
                                PageOutcome* out) const {
  JsonExtraction ex;
  Status s = src.json->Extract(body, &ex);
  if (!s.ok()) {
    out->parse_error = s.message();
    return;
  }
  const Pagination& pg = src.spec->paginate;
  size_t count = ex.records.size();
  out->records = std::move(ex.records);
  // depth counts pages fetched so far in this source's chain.
  if (pg.kind == PaginationKind::kNone || static_cast<int64_t>(item.depth()) + 1 >= pg.max_pages)
    return;
  std::string next;
  int64_t next_page = item.page();
  switch (pg.kind) {
    case PaginationKind::kNextLink:
      if (!ex.next_url || !ResolveUrl(page_url, *ex.next_url, normalize_, &next).ok()) return;
      break;
    case PaginationKind::kPageParam:
    case PaginationKind::kOffsetParam:
      if (count == 0) return;  // an empty page ends the listing
      next_page += pg.kind == PaginationKind::kPageParam ? 1 : (pg.step > 0 ? pg.step : count);
      if (!SetQueryParam(page_url, pg.param, std::to_string(next_page), &next).ok()) return;
      break;
    case PaginationKind::kCursor:
      if (!ex.next_cursor || ex.next_cursor->empty()) return;
      if (!SetQueryParam(src.spec->url, pg.param, *ex.next_cursor, &next).ok()) return;
      break;
    case PaginationKind::kNone:
      return;
  }
  NormalizedUrl normalized;
  if (!NormalizeUrl(next, normalize_, &normalized).ok()) return;
  v1::FrontierItem link;
  link.set_url(std::move(normalized.url));
  link.set_host_key(std::move(normalized.host_key));
  link.set_depth(item.depth() + 1);
  link.set_source(item.source());
  link.set_page(next_page);
  if (pg.kind == PaginationKind::kCursor) link.set_cursor(*ex.next_cursor);
  out->links.push_back(std::move(link));
}

void PageProcessor::ProcessSitemap(const Source& src, const v1::FrontierItem& item,
                                   const std::string& page_url, const std::string& body,
                                   PageOutcome* out) const {
  SitemapEntries entries;
  Status s = ParseSitemap(body, &entries);
  if (!s.ok()) {
    out->parse_error = s.message();
    return;
  }
  LinkResolver links;
  if (!LinkResolver::Make(page_url, normalize_, &links).ok()) return;  // no entry would resolve
  // Sitemap URLs are seeds: depth 0, whatever depth the sitemap was found at.
  for (const auto& url : entries.urls) AddLink(src, links, url, item, 0, false, out);
  for (const auto& map : entries.sitemaps) AddLink(src, links, map, item, 0, true, out);
}

}  // namespace gleaner::crawler
