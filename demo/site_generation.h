// SiteGeneration: one generation of the fixture site (its HTML catalogue and
// JSON API), linked to the generation before it, and the validators its pages
// carry: a strong ETag hashed from a page's bytes and its ETag-only revisions,
// and a Last-Modified naming the generation the page's bytes last changed in,
// found by comparing with earlier generations. So a page whose bytes did not
// change keeps both, and an ETag-only change keeps Last-Modified. Immutable
// but for a memo of computed page versions; thread-safe. Held by shared_ptr;
// a generation keeps its predecessors alive.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "demo/api_catalog.h"
#include "demo/conditional_request.h"
#include "demo/site_catalog.h"

namespace gleaner::demo {

// One page's version in one generation.
struct PageVersion {
  uint64_t content_hash = 0;   // of the body without content coding
  int changed_generation = 0;  // the generation these bytes appeared in
  Validators validators;
};

class SiteGeneration {
 public:
  // Last-Modified of a page that last changed in generation g: this date plus
  // g days plus a per-page offset under 12 hours.
  static constexpr int64_t kFirstModified = 1704067200;  // 2024-01-01T00:00:00Z

  // A page's body in some generation; nullopt where it does not exist there.
  using Renderer = std::function<std::optional<std::string>(const SiteGeneration&)>;

  SiteGeneration(SiteCatalog catalog, ApiCatalog api,
                 std::shared_ptr<const SiteGeneration> previous);

  int number() const { return catalog_.generation(); }
  const SiteCatalog& catalog() const { return catalog_; }
  const ApiCatalog& api() const { return api_; }
  // nullptr for generation 0.
  const SiteGeneration* previous() const { return previous_.get(); }

  // The version of the page `key` (a path, or an API path with its query)
  // whose body here is `body`; `render` gives its body in earlier generations.
  PageVersion Version(const std::string& key, std::string_view body, const Renderer& render) const;
  // The version Version() computed for `key` before, so a 304 needs no rendering.
  std::optional<PageVersion> Known(const std::string& key) const;

 private:
  SiteCatalog catalog_;
  ApiCatalog api_;
  std::shared_ptr<const SiteGeneration> previous_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, PageVersion> versions_;
};

}  // namespace gleaner::demo
