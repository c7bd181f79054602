#include "crawler/sitemap/sitemap_parser.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

using Urls = std::vector<std::string>;

SitemapEntries Parsed(std::string_view xml) {
  SitemapEntries entries;
  const Status s = ParseSitemap(xml, &entries);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return entries;
}

TEST_CASE("urlset yields its page URLs in order") {
  const SitemapEntries entries = Parsed(R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.com/</loc><lastmod>2024-01-01</lastmod></url>
  <url>
    <loc>
      https://example.com/books?page=2
    </loc>
    <changefreq>daily</changefreq>
  </url>
</urlset>)");
  CHECK(entries.urls == Urls{"https://example.com/", "https://example.com/books?page=2"});
  CHECK(entries.sitemaps.empty());
  CHECK_FALSE(entries.truncated);
}

TEST_CASE("sitemap index yields child sitemaps, not pages") {
  const SitemapEntries entries = Parsed(
      "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
      "<sitemap><loc>https://example.com/s1.xml</loc></sitemap>"
      "<sitemap><loc>https://example.com/s2.xml</loc><lastmod>2024-01-01</lastmod></sitemap>"
      "</sitemapindex>");
  CHECK(entries.sitemaps == Urls{"https://example.com/s1.xml", "https://example.com/s2.xml"});
  CHECK(entries.urls.empty());
}

TEST_CASE("entities in a loc are decoded") {
  const SitemapEntries entries = Parsed(
      "<urlset><url><loc>https://example.com/?a=1&amp;b=2&#38;c=&#x33;&lt;&gt;&quot;&apos;</loc>"
      "</url><url><loc>https://example.com/caf&#233;</loc></url></urlset>");
  CHECK(entries.urls ==
        Urls{"https://example.com/?a=1&b=2&c=3<>\"'", "https://example.com/caf\xC3\xA9"});
}

TEST_CASE("an unknown entity or a bare ampersand is kept as written") {
  const SitemapEntries entries =
      Parsed("<urlset><url><loc>https://example.com/?a=1&b=2&nbsp;</loc></url></urlset>");
  CHECK(entries.urls == Urls{"https://example.com/?a=1&b=2&nbsp;"});
}

TEST_CASE("namespace prefixes are ignored") {
  const SitemapEntries entries = Parsed(
      "<sm:urlset xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
      "<sm:url><sm:loc>https://example.com/a</sm:loc></sm:url></sm:urlset>");
  CHECK(entries.urls == Urls{"https://example.com/a"});
}

TEST_CASE("image and video locations are not pages") {
  const SitemapEntries entries = Parsed(
      "<urlset xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">"
      "<url><loc>https://example.com/page</loc>"
      "<image:image><image:loc>https://example.com/photo.jpg</image:loc></image:image>"
      "</url></urlset>");
  CHECK(entries.urls == Urls{"https://example.com/page"});
}

TEST_CASE("comments, CDATA and a doctype are handled") {
  const SitemapEntries entries = Parsed(
      "\xEF\xBB\xBF<?xml version=\"1.0\"?><!DOCTYPE urlset>"
      "<!-- <url><loc>https://example.com/commented</loc></url> -->"
      "<urlset><url><loc><![CDATA[https://example.com/?a=1&b=2]]></loc></url></urlset>");
  CHECK(entries.urls == Urls{"https://example.com/?a=1&b=2"});
}

TEST_CASE("empty locs are skipped and unclosed markup does not abort") {
  const SitemapEntries entries = Parsed(
      "<urlset><url><loc>  </loc></url>"
      "<url><loc>https://example.com/a</loc>"  // <url> never closed
      "<url><loc>https://example.com/b</loc></url>"
      "<url><loc>https://example.com/cut-off");
  CHECK(entries.urls == Urls{"https://example.com/a", "https://example.com/b"});
}

TEST_CASE("a plain-text sitemap has one URL per line") {
  const SitemapEntries entries =
      Parsed("https://example.com/a\r\n\n   https://example.com/b  \nhttps://example.com/c");
  CHECK(entries.urls ==
        Urls{"https://example.com/a", "https://example.com/b", "https://example.com/c"});
}

TEST_CASE("an empty document has no entries") {
  CHECK(Parsed("").urls.empty());
  CHECK(Parsed("  \n").urls.empty());
}

TEST_CASE("an HTML page served as a sitemap is rejected") {
  SitemapEntries entries;
  const Status s = ParseSitemap("<!DOCTYPE html><html><body>Not found</body></html>", &entries);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("<html>") != std::string::npos);
}

TEST_CASE("gzip data is rejected rather than scanned") {
  SitemapEntries entries;
  CHECK(ParseSitemap(std::string_view("\x1F\x8B\x08\x00", 4), &entries).IsInvalidArgument());
}

TEST_CASE("no more than 50,000 entries are taken") {
  std::string xml = "<urlset>";
  for (int i = 0; i < 50'002; ++i)
    xml += "<url><loc>https://example.com/" + std::to_string(i) + "</loc></url>";
  xml += "</urlset>";
  const SitemapEntries entries = Parsed(xml);
  REQUIRE(entries.urls.size() == 50'000);
  CHECK(entries.urls.back() == "https://example.com/49999");
  CHECK(entries.truncated);

  std::string text;
  for (int i = 0; i < 50'001; ++i) text += "https://example.com/" + std::to_string(i) + "\n";
  const SitemapEntries plain = Parsed(text);
  CHECK(plain.urls.size() == 50'000);
  CHECK(plain.truncated);
}

TEST_CASE("bytes past 50 MiB are ignored") {
  const std::string head = "<urlset><url><loc>https://example.com/first</loc></url>";
  std::string xml = head + std::string(kMaxSitemapBytes - head.size(), ' ');
  xml += "<url><loc>https://example.com/past-the-limit</loc></url></urlset>";
  const SitemapEntries entries = Parsed(xml);
  CHECK(entries.urls == Urls{"https://example.com/first"});
  CHECK(entries.truncated);
}

}  // namespace
}  // namespace gleaner::crawler
