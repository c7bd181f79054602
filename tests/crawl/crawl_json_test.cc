// JSON API sources: every pagination style walks the whole item set, records
// keep their JSON types, and a bearer token comes from the environment only.
#include <catch2/catch.hpp>
#include <set>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::set<int64_t> ExpectedIds(const demo::FixtureSite& site) {
  std::set<int64_t> ids;
  for (const auto& item : site.ApiItems()) ids.insert(item["id"].get<int64_t>());
  return ids;
}

}  // namespace

TEST_CASE("each pagination style yields every API item exactly once") {
  demo::FixtureOptions options;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  const std::string base = site->BaseUrl();
  struct Style {
    const char* name;
    std::string source;
  } styles[] = {
      {"next", "url: \"" + base +
                   "/api/items?page=1\"\n    records: \"$.items[*]\"\n    paginate: {next: "
                   "\"$.links.next\"}"},
      {"page",
       "url: \"" + base +
           "/api/items\"\n    records: \"$.items[*]\"\n    paginate: {param: page, start: 1}"},
      {"offset", "url: \"" + base +
                     "/api/offset?limit=20\"\n    records: \"$.items[*]\"\n    paginate: {offset: "
                     "offset, start: 0, step: 20}"},
      {"cursor", "url: \"" + base +
                     "/api/cursor\"\n    records: \"$.data[*]\"\n    paginate: {cursor: "
                     "\"$.cursor\", param: after}"},
  };
  for (const auto& style : styles) {
    INFO(style.name);
    TempDir dir;
    std::string yaml = std::string("name: api-") + style.name + "\nsources:\n  - kind: json\n    " +
                       style.source +
                       "\n    fields: {id: \"$.id\", title: \"$.title\", price: \"$.price\", "
                       "tags: \"$.tags\", kv: \"$.meta['k v']\"}\npoliteness: {delay_ms: 0}\n";
    ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    std::multiset<int64_t> ids;
    for (const auto& r : DumpRecords(dir / "data", std::string("api-") + style.name)) {
      ids.insert(r["id"].get<int64_t>());
      CHECK(r["tags"].is_array());
      CHECK(r["kv"].is_number_integer());
    }
    std::set<int64_t> expected = ExpectedIds(*site);
    CHECK(ids.size() == expected.size());
    CHECK(std::set<int64_t>(ids.begin(), ids.end()) == expected);
  }
}

TEST_CASE("a json source without fields keeps each record object whole") {
  demo::FixtureOptions options;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string yaml =
      "name: whole\nsources:\n  - kind: json\n    url: \"" + site->BaseUrl() +
      "/api/items?page=1\"\n    records: \"$.items[*]\"\npoliteness: {delay_ms: 0}\n";
  ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
  REQUIRE(run.exit_code == 0);
  auto records = DumpRecords(dir / "data", "whole");
  REQUIRE(records.size() == 20);  // no pagination: the first page only
  const auto& first_item = site->ApiItems()[0];
  for (const auto& key : {"id", "title", "price", "updated_at", "tags", "meta"}) {
    INFO(key);
    CHECK(records[0][key] == first_item[key]);
  }
}

TEST_CASE("the bearer token is read from the environment and never stored") {
  demo::FixtureOptions options;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string yaml = "name: secure\nsources:\n  - kind: json\n    url: \"" + site->BaseUrl() +
                     "/api/secure/items?page=1\"\n    records: \"$.items[*]\"\n"
                     "    paginate: {next: \"$.links.next\"}\n    bearer_token_env: FIXTURE_TOKEN\n"
                     "politeness: {delay_ms: 0}\n";
  std::string job = WriteJob(dir, "job.yaml", yaml);

  ProcessResult missing = Gleaner({"crawl", job, "--data", dir / "data"}, {{"FIXTURE_TOKEN", ""}});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("FIXTURE_TOKEN") != std::string::npos);

  ProcessResult run =
      Gleaner({"crawl", job, "--data", dir / "data"}, {{"FIXTURE_TOKEN", options.bearer_token}});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(DumpRecords(dir / "data", "secure").size() == ExpectedIds(*site).size());
  // The token is in no file of the store.
  ProcessResult grep = RunProcess({"/bin/grep", "-r", "-l", options.bearer_token, dir / "data"});
  CHECK(grep.exit_code == 1);
}

TEST_CASE("a response nested 100,000 levels deep is a parse error and the crawl finishes") {
  demo::FixtureOptions options;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  std::string yaml = DeepJsonJobYaml("deep", site->BaseUrl());
  ProcessResult run = Gleaner({"crawl", WriteJob(dir, "job.yaml", yaml), "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);  // a crawl with failed pages still finishes
  CHECK(DumpRecords(dir / "data", "deep").size() == 40);  // both good pages
  nlohmann::json errors = StageErrors(dir / "data", "deep");
  REQUIRE(errors.size() == 1);
  CHECK(PathOf(errors[0]["url"]) == "/fault/deep-json");
  CHECK(errors[0]["kind"] == "ERROR_PARSE");
  CHECK(errors[0]["message"] ==
        "JSON nested more than 1024 levels deep; the response was not parsed");
}
