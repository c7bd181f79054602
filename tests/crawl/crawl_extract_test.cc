// Field options a documentation site needs, through the real binary: the
// fixture's /docs/guide.html (Sphinx-style headings with permalink anchors,
// code blocks in <pre>) crawled with count, raw text and exclude fields, and
// the records read back with `gleaner stage dump` as a user would.
#include <catch2/catch.hpp>

#include "demo/fixture_site.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::string DocsJob(const demo::FixtureSite& site, const std::string& fields) {
  return "name: docs\n"
         "sources:\n"
         "  - kind: html\n"
         "    seeds: [\"" +
         site.BaseUrl() +
         "/docs/guide.html\"]\n"
         "    scope: {max_depth: 0}\n"
         "    records:\n"
         "      list: \"div.section\"\n"
         "      fields:\n" +
         fields + "politeness: {delay_ms: 0}\n";
}

std::unique_ptr<demo::FixtureSite> StartSite() {
  demo::FixtureOptions options;
  options.pages = 5;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  return site;
}

}  // namespace

TEST_CASE("a docs crawl stores counts, code blocks as written and headings without anchors") {
  std::unique_ptr<demo::FixtureSite> site = StartSite();
  TempDir dir;
  const std::string fields =
      "        title:    {css: h2, exclude: a.headerlink}\n"
      "        code:     {css: pre, text: true}\n"
      "        code_raw: {css: pre, text: raw}\n"
      "        para:     {css: p}\n"
      "        para_raw: {css: p, text: raw}\n"
      "        blocks:   {css: pre, count: true}\n"
      "        anchors:  {css: \"h2 a\", count: true}\n";
  ProcessResult run = Gleaner(
      {"crawl", WriteJob(dir, "docs.yaml", DocsJob(*site, fields)), "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  std::vector<nlohmann::json> records = DumpRecords(dir / "data", "docs");
  REQUIRE(records.size() == 2);
  std::sort(records.begin(), records.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["title"].get<std::string>() < b["title"].get<std::string>();
  });
  const nlohmann::json& install = records[0];
  INFO(install.dump());
  CHECK(install["title"] == "Install");  // not "Install¶"
  // The parser drops the newline right after <pre>; every other space stays.
  const std::string code = "$ ./configure  --prefix=/usr\n$ make install\n\n    # done\n";
  CHECK(install["code"] == code);
  CHECK(install["code_raw"] == code);
  CHECK(install["para"] == "Build with make -j4, then run:");
  CHECK(install["para_raw"] == "Build with make  -j4,\n  then run:");
  CHECK(install["blocks"] == 1);
  CHECK(install["anchors"] == 1);

  const nlohmann::json& usage = records[1];
  INFO(usage.dump());
  CHECK(usage["title"] == "Usage");
  CHECK(usage["code"].is_null());
  CHECK(usage["code_raw"].is_null());
  CHECK(usage["para"] == "Nothing to see.");
  CHECK(usage["para_raw"] == "Nothing   to see.");
  CHECK(usage["blocks"] == 0);  // a count of nothing is 0, not null
  CHECK(usage["anchors"] == 1);
}

TEST_CASE("a count that also names an attribute is refused at the key, before any fetch") {
  std::unique_ptr<demo::FixtureSite> site = StartSite();
  TempDir dir;
  const std::string job =
      WriteJob(dir, "docs.yaml",
               DocsJob(*site, "        anchors: {css: \"h2 a\", attr: href, count: true}\n"));
  ProcessResult run = Gleaner({"crawl", job, "--data", dir / "data"});
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains(job + ":9:51: sources[0].records.fields.anchors.count: "
                                            "'count' cannot be combined with 'attr'"));
  CHECK(site->RequestLog().empty());
}
