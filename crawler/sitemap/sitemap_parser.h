// Sitemap parsing (sitemaps.org protocol): pulls the <loc> URLs out of a
// <urlset> or a <sitemapindex>, or the lines of a plain-text sitemap. A small
// tolerant scanner, not a validating XML parser: namespaces are ignored and
// broken markup is skipped rather than refused. Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gleaner::crawler {

// Limits of one sitemap file under the protocol; input past them is ignored.
inline constexpr size_t kMaxSitemapEntries = 50'000;
inline constexpr size_t kMaxSitemapBytes = 50 * 1024 * 1024;

struct SitemapEntries {
  std::vector<std::string> urls;      // pages, from <urlset><url><loc>
  std::vector<std::string> sitemaps;  // more sitemaps, from <sitemapindex><sitemap><loc>
  bool truncated = false;             // a limit above was reached: anything past it was dropped
};

// Fills `entries` with the URLs as written (entities decoded, whitespace
// trimmed; not yet resolved or normalised). Input that does not start with
// '<' is a plain-text sitemap: one URL per non-blank line. An XML document
// whose root is neither <urlset> nor <sitemapindex> (an HTML error page, say)
// and gzip data are InvalidArgument.
Status ParseSitemap(std::string_view xml, SitemapEntries* entries);

}  // namespace gleaner::crawler
