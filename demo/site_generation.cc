#include "demo/site_generation.h"

#include <cstdio>

namespace gleaner::demo {
namespace {

// FNV-1a: stable across platforms and runs, unlike std::hash.
uint64_t Fnv1a(std::string_view bytes) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ull;
  }
  return hash;
}

std::string EntityTag(uint64_t content_hash, int validator_revision) {
  uint64_t tag = content_hash ^ (static_cast<uint64_t>(validator_revision) * 0x9E3779B97F4A7C15ull);
  char text[24];
  std::snprintf(text, sizeof(text), "\"%016llx\"", static_cast<unsigned long long>(tag));
  return text;
}

}  // namespace

SiteGeneration::SiteGeneration(SiteCatalog catalog, ApiCatalog api,
                               std::shared_ptr<const SiteGeneration> previous)
    : catalog_(std::move(catalog)), api_(std::move(api)), previous_(std::move(previous)) {}

std::optional<PageVersion> SiteGeneration::Known(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = versions_.find(key);
  if (it == versions_.end()) return std::nullopt;
  return it->second;
}

PageVersion SiteGeneration::Version(const std::string& key, std::string_view body,
                                    const Renderer& render) const {
  if (std::optional<PageVersion> known = Known(key)) return *known;
  PageVersion version;
  version.content_hash = Fnv1a(body);
  version.changed_generation = number();
  if (previous_ != nullptr) {
    if (std::optional<std::string> before = render(*previous_)) {
      PageVersion earlier = previous_->Version(key, *before, render);
      if (earlier.content_hash == version.content_hash) {
        version.changed_generation = earlier.changed_generation;
      }
    }
  }
  if (catalog_.ServesEtag(key)) {
    version.validators.etag = EntityTag(version.content_hash, catalog_.ValidatorRevision(key));
  }
  version.validators.last_modified = kFirstModified + int64_t{86400} * version.changed_generation +
                                     static_cast<int64_t>(Fnv1a(key) % 43200);
  std::lock_guard<std::mutex> lock(mu_);
  versions_.emplace(key, version);
  return version;
}

}  // namespace gleaner::demo
