// `gleaner run JOB.yaml`: crawl, then prepare with the rules the job names.
// Both files are checked before anything is fetched or created.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "demo/fixture_site.h"
#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

constexpr char kRules[] = R"(
dataset: runjob
fields:
  title: {type: string, required: true, collapse_whitespace: true}
  price: {type: float, parse: currency, min: 0}
checks:
  - {name: priced, field: price, not_null: true}
)";

std::string Job(const std::string& site, const std::string& prepare) {
  return "name: runjob\n"
         "sources:\n"
         "  - kind: html\n"
         "    seeds: [\"" +
         site +
         "/\"]\n"
         "    records:\n"
         "      when: \"article.product_page\"\n"
         "      fields:\n"
         "        title: {css: \"h1\", text: true}\n"
         "        price: {css: \".price_color\", text: true}\n"
         "politeness: {concurrency: 8, per_host: 4, delay_ms: 0}\n" +
         prepare;
}

TEST_CASE("gleaner run crawls the job and prepares it with the rules it names") {
  demo::FixtureOptions options;
  options.pages = 40;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir tmp;
  WriteFile(tmp / "rules.yaml", kRules);
  // The rules path is relative to the job file; out is where the dataset goes.
  WriteFile(tmp / "job.yaml",
            Job(site->BaseUrl(), "prepare: {rules: rules.yaml, out: " + (tmp / "out") + "}\n"));
  const ProcessResult run = Gleaner({"run", tmp / "job.yaml", "--data", tmp / "data"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);

  const nlohmann::json manifest = ReadJsonFile(tmp / "out/manifest.json");
  CHECK(manifest["dataset"] == "runjob");
  CHECK(manifest["source"]["job"] == "runjob");
  CHECK(manifest["source"]["job_phase"] == "succeeded");
  // Every product page was crawled into one record, and each is either kept
  // or quarantined (only unpriced products are dropped).
  int unpriced = 0;
  for (int id = 1; id <= options.pages; ++id) unpriced += id % 30 == 17;
  const int64_t scanned = manifest["source"]["records_scanned"];
  CHECK(scanned == manifest["source"]["job_records"]);
  CHECK(scanned >= options.pages);
  int64_t kept = 0;
  for (const char* split : {"train", "validation", "test"})
    kept += manifest["splits"][split]["rows"].get<int64_t>();
  CHECK(manifest["quarantine"]["rows"] == manifest["dropped_per_rule"]["priced"]);
  CHECK(kept + manifest["quarantine"]["rows"].get<int64_t>() == scanned);
  CHECK(manifest["dropped_per_rule"]["priced"].get<int64_t>() >= unpriced);
}

TEST_CASE("gleaner run takes the job file's paths from its folder, not the working directory") {
  demo::FixtureOptions options;
  options.pages = 5;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir tmp;
  std::filesystem::create_directories(tmp / "project/jobs");
  std::filesystem::create_directories(tmp / "project/rules");
  std::filesystem::create_directories(tmp / "elsewhere");
  WriteFile(tmp / "project/rules/r.yaml", kRules);
  WriteFile(tmp / "project/jobs/job.yaml",
            Job(site->BaseUrl(), "prepare: {rules: ../rules/r.yaml, out: ../out/ds}\n"));
  // The job named relative to the working directory, which is not the job's.
  const ProcessResult run =
      Gleaner({"run", "../project/jobs/job.yaml", "--data", tmp / "data"}, tmp / "elsewhere");
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(std::filesystem::exists(tmp / "project/out/ds/manifest.json"));
  CHECK(std::filesystem::is_empty(tmp / "elsewhere"));
}

TEST_CASE("gleaner run refuses a job without rules, or with bad rules, before crawling") {
  TempDir tmp;
  WriteFile(tmp / "job.yaml", Job("http://127.0.0.1:9", ""));
  ProcessResult run = Gleaner({"run", tmp / "job.yaml", "--data", tmp / "data"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("prepare: {rules: FILE}") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "data"));

  WriteFile(tmp / "bad.yaml", "fields:\n  price: {type: float, parse: curency}\n");
  WriteFile(tmp / "job.yaml", Job("http://127.0.0.1:9", "prepare: {rules: bad.yaml}\n"));
  run = Gleaner({"run", tmp / "job.yaml", "--data", tmp / "data"});
  CHECK(run.exit_code == 2);
  INFO(run.err);
  CHECK(run.err.find("bad.yaml:2:") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "data"));
}

}  // namespace
}  // namespace gleaner::testing
