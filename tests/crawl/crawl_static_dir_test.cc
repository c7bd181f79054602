// Crawls a directory of static pages served by the fixture's static mode
// (FixtureOptions::static_dir, `gleaner-fixture --dir`) with the real binary.
// The oracle is the files themselves, read by Python's HTML parser and URL
// joining (static_site_oracle.py): every file the start page links to is
// fetched exactly once (the site's request log) and its record holds the
// file's own <title>.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "demo/fixture_site.h"
#include "demo/gzip.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/support/python_oracle.h"
#include "tests/support/temp_dir.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

std::string Page(const std::string& title, const std::vector<std::string>& hrefs) {
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
                     "</title></head>\n<body><h1>heading, not the title</h1><ul>\n";
  for (const std::string& href : hrefs) html += "<li><a href=\"" + href + "\">link</a></li>\n";
  return html + "</ul></body></html>\n";
}

// The start page links to every other file (relative, absolute, ./, fragments,
// one more than once, one directory); the others link to each other and back.
// orphan.html is linked from nowhere. Every other file has a gzip copy beside
// it, so half the pages travel gzip-encoded.
void WriteSite(const std::string& root) {
  const std::map<std::string, std::string> files = {
      {"index.html",
       Page("Start page", {"guide.html", "guide.html#install", "./docs/intro.html#top",
                           "docs/api/ref.html", "docs/", "/about.html", "notes/changes.html#v2",
                           "notes/changes.html#v3", "notes/", "unicode.html", "#contents"})},
      {"guide.html", Page("  Guide:\n   installing\tit  ",
                          {"index.html", "docs/intro.html", "notes/changes.html#v1"})},
      {"docs/intro.html", Page("Intro", {"../index.html#top", "api/ref.html", "../guide.html"})},
      {"docs/api/ref.html", Page("API reference", {"../../index.html", "../intro.html#x", "/docs/"})},
      {"docs/index.html", Page("Docs home", {"intro.html", "../about.html"})},
      {"about.html", Page("About &amp; contact", {"/index.html"})},
      {"notes/changes.html", Page("Changes &lt;2026&gt;", {"../guide.html#x", "./"})},
      {"notes/index.html", Page("Notes", {"changes.html"})},
      {"unicode.html", Page("Caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D", {"index.html"})},
      {"orphan.html", Page("Nobody links here", {"index.html"})},
  };
  bool gzip = false;
  for (const auto& [name, html] : files) {
    std::filesystem::create_directories(std::filesystem::path(root + "/" + name).parent_path());
    WriteFile(root + "/" + name, html);
    if ((gzip = !gzip)) WriteFile(root + "/" + name + ".gz", demo::GzipCompress(html));
  }
}

}  // namespace

TEST_CASE("a crawl of a static directory reaches each linked file once and takes its own title") {
  TempDir dir;
  WriteSite(dir / "site");
  nlohmann::json truth = RunPythonOracle(
      std::string(GLEANER_SOURCE_DIR) + "/tests/crawl/static_site_oracle.py",
      {{"root", dir / "site"}, {"start", "index.html"}});
  const std::vector<std::string> linked = truth["linked"];
  REQUIRE(linked.size() == 9);  // the start page itself, through "#contents", among them

  demo::FixtureOptions options;
  options.static_dir = dir / "site";
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  std::string job = WriteJob(dir, "job.yaml",
                             "name: static\nsources:\n  - kind: html\n    seeds: [\"" +
                                 site->BaseUrl() +
                                 "/index.html\"]\n    records:\n      fields:\n"
                                 "        title: {css: title}\n"
                                 "politeness: {concurrency: 4, per_host: 4, delay_ms: 0}\n");
  ProcessResult run = Gleaner({"crawl", job, "--data", dir / "data"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  std::map<std::string, int> gets;
  for (const demo::RequestLogEntry& entry : site->RequestLog()) {
    if (entry.method == "GET" && entry.target != "/robots.txt") ++gets[entry.target];
  }
  std::map<std::string, std::string> titles;
  for (const nlohmann::json& record : DumpRecords(dir / "data", "static")) {
    std::string path = PathOf(record["source_url"]);
    INFO("record of " << path);
    CHECK(titles.emplace(path, record["title"]).second);  // one record a page
  }
  for (const std::string& path : linked) {
    INFO(path);
    CHECK(gets[path] == 1);
    CHECK(titles[path] == truth["titles"][path].get<std::string>());
  }
  // Nothing else was fetched: not the orphan, no fragment or second spelling of a page.
  CHECK(gets.size() == linked.size());
  CHECK(titles.size() == linked.size());
}
