// SiteChange: what one step of the fixture site's history does to it, for
// re-crawl tests (FixtureSite::Change). Products are picked by id and/or as
// exact fractions of the live products drawn with a seed; the kinds never
// overlap. SiteChangeReport says which pages each kind hit. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gleaner::demo {

struct SiteChange {
  // Product ids (live ones; a removed product stays removed) per kind. The
  // fraction of a kind adds round(fraction * live products) more, drawn from
  // those no id list names; the fractions sum to at most 1.
  std::vector<int> changed = {};  // content changes: new price, stock and review count
  double changed_fraction = 0;
  // Same bytes, a new ETag (served again by a page that had lost it);
  // Last-Modified unchanged.
  std::vector<int> etag_only = {};
  double etag_only_fraction = 0;
  std::vector<int> removed = {};  // answers `gone_status` from now on, unlisted
  double removed_fraction = 0;
  std::vector<int> last_modified_only = {};  // same bytes, from now on no ETag
  double last_modified_only_fraction = 0;
  // Still served (200, same bytes), but no page links to it any more: gone
  // from its listing page, home and other products' related sections.
  std::vector<int> unlisted = {};
  double unlisted_fraction = 0;
  int added = 0;          // new products, each listed on an existing listing page
  int gone_status = 404;  // 404 or 410
  uint64_t seed = 1;      // draws the fractions (with the generation)

  // The JSON API's items: ids whose price and updated_at change, and new items
  // appended after the last (so only the last page(s) change).
  std::vector<int> api_changed = {};
  int api_added = 0;
};

// The pages (paths, with a duplicated product's copy) each kind of a change hit.
// Listing pages and home change as a consequence (a listed price, a card
// added or dropped) and are not named here.
struct SiteChangeReport {
  int generation = 0;  // the generation the change produced
  std::vector<std::string> changed = {};
  std::vector<std::string> etag_only = {};
  std::vector<std::string> removed = {};
  std::vector<std::string> last_modified_only = {};
  std::vector<std::string> unlisted = {};
  std::vector<std::string> added = {};
  std::vector<int> api_changed = {};  // item ids
  std::vector<int> api_added = {};
};

}  // namespace gleaner::demo
