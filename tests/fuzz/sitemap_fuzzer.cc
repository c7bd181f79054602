// Sitemap parsing. Input: a sitemap (XML or plain text). Properties: entries
// are never empty nor carry surrounding whitespace, and their number stays
// within the protocol's 50,000 (more is dropped and flagged as truncated).
#include <string>
#include <vector>

#include "crawler/sitemap/sitemap_parser.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void CheckEntries(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    FUZZ_CHECK(!entry.empty(), "an empty entry");
    FUZZ_CHECK(!IsXmlSpace(entry.front()) && !IsXmlSpace(entry.back()),
               "entry '%s' keeps surrounding whitespace", entry.c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gleaner::crawler::SitemapEntries entries;
  if (!gleaner::crawler::ParseSitemap(gleaner::fuzz::AsText(data, size), &entries).ok()) return 0;
  CheckEntries(entries.urls);
  CheckEntries(entries.sitemaps);
  FUZZ_CHECK(entries.urls.size() + entries.sitemaps.size() <= gleaner::crawler::kMaxSitemapEntries,
             "%zu entries", entries.urls.size() + entries.sitemaps.size());
  return 0;
}
