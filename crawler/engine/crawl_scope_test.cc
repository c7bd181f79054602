#include "crawler/engine/crawl_scope.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

std::unique_ptr<CrawlScope> Scope(std::vector<std::string> include, std::vector<std::string> exclude) {
  SourceSpec source;
  source.seeds = {"https://shop.example/"};
  source.scope.include = std::move(include);
  source.scope.exclude = std::move(exclude);
  std::unique_ptr<CrawlScope> scope;
  REQUIRE(CrawlScope::Build(source, &scope).ok());
  return scope;
}

NormalizedUrl At(std::string path_and_query) {
  return {"https://shop.example" + path_and_query, "https://shop.example:443", "shop.example",
          path_and_query};
}

TEST_CASE("include and exclude patterns are searched in the path and query") {
  auto scope = Scope({"^/catalogue/"}, {"\\?sort="});
  CHECK(scope->Check(At("/catalogue/a.html"), 1).empty());
  CHECK(scope->Check(At("/about"), 1) == "path matches no include pattern");
  CHECK(scope->Check(At("/catalogue/?sort=price"), 1) == "path matches an exclude pattern");
}

// Linked pages choose the paths, so a backtracking-prone pattern must not let
// one link stall the crawl (std::regex took minutes here).
TEST_CASE("a pattern is matched in linear time whatever path a page links") {
  auto scope = Scope({}, {"(a|aa)+$"});
  CHECK(scope->Check(At("/" + std::string(4000, 'a') + "b"), 1).empty());
}

TEST_CASE("a pattern that does not compile fails Build") {
  SourceSpec source;
  source.seeds = {"https://shop.example/"};
  source.scope.include = {"(unclosed"};
  std::unique_ptr<CrawlScope> scope;
  CHECK(CrawlScope::Build(source, &scope).IsInvalidArgument());
}

}  // namespace
}  // namespace gleaner::crawler
