#include "crawler/robots/robots_rules.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

constexpr std::string_view kOurAgent = "gleaner/0.1 (+contact)";

RobotsRules ForUs(std::string_view body) { return RobotsRules::Parse(body, kOurAgent); }

TEST_CASE("the longest matching rule decides, whatever the order in the file") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Allow: /shop/public/\n"
      "Disallow: /shop/\n");
  CHECK_FALSE(rules.IsAllowed("/shop/cart"));
  CHECK(rules.IsAllowed("/shop/public/item"));
  CHECK(rules.IsAllowed("/about"));

  const RobotsRules reversed = ForUs(
      "User-agent: *\n"
      "Disallow: /shop/public/private\n"
      "Allow: /shop/\n");
  CHECK(reversed.IsAllowed("/shop/public/x"));
  CHECK_FALSE(reversed.IsAllowed("/shop/public/private/x"));
}

TEST_CASE("allow wins a tie between equally long rules") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Disallow: /page\n"
      "Allow: /page\n");
  CHECK(rules.IsAllowed("/page"));
}

TEST_CASE("star matches any run of characters") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Disallow: /*/private/\n"
      "Disallow: /*.pdf\n"
      "Disallow: /search*q=\n");
  CHECK_FALSE(rules.IsAllowed("/users/private/x"));
  CHECK_FALSE(rules.IsAllowed("/a/b/private/"));
  CHECK(rules.IsAllowed("/private/"));  // the star needs the slash after it too
  CHECK_FALSE(rules.IsAllowed("/docs/report.pdf"));
  CHECK_FALSE(rules.IsAllowed("/docs/report.pdf.html"));  // unanchored: a prefix match is enough
  CHECK_FALSE(rules.IsAllowed("/search?lang=en&q=books"));
  CHECK(rules.IsAllowed("/search?lang=en"));
}

TEST_CASE("dollar anchors the end of the URL") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Disallow: /*.pdf$\n"
      "Disallow: /exact$\n");
  CHECK_FALSE(rules.IsAllowed("/docs/report.pdf"));
  CHECK(rules.IsAllowed("/docs/report.pdf.html"));
  CHECK(rules.IsAllowed("/docs/report.pdf?download=1"));
  CHECK_FALSE(rules.IsAllowed("/exact"));
  CHECK(rules.IsAllowed("/exactly"));
}

TEST_CASE("our own group beats the star group") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Disallow: /\n"
      "\n"
      "User-agent: gleaner\n"
      "Disallow: /admin\n");
  CHECK(rules.IsAllowed("/books"));
  CHECK_FALSE(rules.IsAllowed("/admin"));
}

TEST_CASE("another crawler's group does not apply to us") {
  const RobotsRules rules = ForUs(
      "User-agent: otherbot\n"
      "Disallow: /\n");
  CHECK(rules.IsAllowed("/anything"));
}

TEST_CASE("all groups naming us are merged") {
  const RobotsRules rules = ForUs(
      "User-agent: gleaner\n"
      "Disallow: /a\n"
      "\n"
      "User-agent: otherbot\n"
      "Disallow: /b\n"
      "\n"
      "User-agent: gleaner\n"
      "Disallow: /c\n");
  CHECK_FALSE(rules.IsAllowed("/a"));
  CHECK(rules.IsAllowed("/b"));
  CHECK_FALSE(rules.IsAllowed("/c"));
}

TEST_CASE("all star groups are merged when none names us") {
  const RobotsRules rules = ForUs(
      "User-agent: *\nDisallow: /a\n"
      "User-agent: otherbot\nDisallow: /b\n"
      "User-agent: *\nDisallow: /c\n");
  CHECK_FALSE(rules.IsAllowed("/a"));
  CHECK(rules.IsAllowed("/b"));
  CHECK_FALSE(rules.IsAllowed("/c"));
}

TEST_CASE("user agent matching ignores case and version") {
  CHECK_FALSE(ForUs("User-agent: GLEANER\nDisallow: /x\n").IsAllowed("/x"));
  CHECK_FALSE(ForUs("user-AGENT: Gleaner/2.0\ndisallow: /x\n").IsAllowed("/x"));
  // A longer name is another crawler.
  CHECK(ForUs("User-agent: gleanerbot\nDisallow: /x\n").IsAllowed("/x"));
}

TEST_CASE("a group may list several user agents") {
  const std::string_view body =
      "User-agent: otherbot\n"
      "User-agent: gleaner\n"
      "User-agent: thirdbot\n"
      "Disallow: /shared\n"
      "User-agent: *\n"
      "Disallow: /\n";
  CHECK_FALSE(ForUs(body).IsAllowed("/shared"));
  CHECK(ForUs(body).IsAllowed("/other"));
  CHECK_FALSE(RobotsRules::Parse(body, "thirdbot/1").IsAllowed("/shared"));
  CHECK_FALSE(RobotsRules::Parse(body, "unknown/1").IsAllowed("/other"));
}

TEST_CASE("an empty disallow allows everything, and our empty group still beats star") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Disallow: /\n"
      "User-agent: gleaner\n"
      "Disallow:\n");
  CHECK(rules.IsAllowed("/"));
  CHECK(rules.IsAllowed("/deep/page"));
}

TEST_CASE("rules before any user agent line address nobody") {
  CHECK(ForUs("Disallow: /\nUser-agent: *\nDisallow: /x\n").IsAllowed("/y"));
}

TEST_CASE("robots.txt itself is always allowed") {
  CHECK(ForUs("User-agent: *\nDisallow: /\n").IsAllowed("/robots.txt"));
  CHECK(RobotsRules::DisallowAll().IsAllowed("/robots.txt"));
}

TEST_CASE("percent-encoding is compared in normalised form") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Disallow: /%7euser/\n"
      "Disallow: /caf\xC3\xA9\n"
      "Disallow: /a%2fb\n");
  CHECK_FALSE(rules.IsAllowed("/~user/page"));
  CHECK_FALSE(rules.IsAllowed("/%7Euser/page"));
  CHECK_FALSE(rules.IsAllowed("/caf%C3%A9"));
  CHECK_FALSE(rules.IsAllowed("/caf%c3%a9/menu"));
  CHECK_FALSE(rules.IsAllowed("/a%2Fb"));
  CHECK(rules.IsAllowed("/a/b"));  // an encoded slash is not a slash
}

TEST_CASE("crawl-delay comes from the selected group") {
  const RobotsRules rules = ForUs(
      "User-agent: *\n"
      "Crawl-delay: 10\n"
      "User-agent: gleaner\n"
      "Crawl-delay: 2.5\n"
      "Disallow: /x\n");
  REQUIRE(rules.crawl_delay_seconds().has_value());
  CHECK(*rules.crawl_delay_seconds() == 2.5);
  CHECK_FALSE(ForUs("User-agent: *\nDisallow: /x\n").crawl_delay_seconds().has_value());
  CHECK_FALSE(ForUs("User-agent: *\nCrawl-delay: soon\n").crawl_delay_seconds().has_value());
  CHECK_FALSE(ForUs("User-agent: *\nCrawl-delay: -1\n").crawl_delay_seconds().has_value());
}

TEST_CASE("sitemap lines are collected from anywhere in the file") {
  const RobotsRules rules = ForUs(
      "Sitemap: https://example.com/sitemap1.xml\n"
      "User-agent: otherbot\n"
      "Disallow: /\n"
      "sitemap:   https://example.com/sitemap2.xml   # second\n");
  CHECK(rules.sitemaps() == std::vector<std::string>{"https://example.com/sitemap1.xml",
                                                     "https://example.com/sitemap2.xml"});
}

TEST_CASE("sloppy files are read tolerantly") {
  const RobotsRules rules = ForUs(
      "\xEF\xBB\xBFUser-agent: *\r\n"
      "# a comment line\r"
      "Disallow /no-colon\r\n"
      "Disallow: /commented # trailing comment\n"
      "Noindex: /unknown-directive\n"
      "Disallow: relative\n"
      "this line is nonsense\n"
      "Allow:    /spaced   \n");
  CHECK_FALSE(rules.IsAllowed("/no-colon"));
  CHECK_FALSE(rules.IsAllowed("/commented"));
  CHECK(rules.IsAllowed("/unknown-directive"));
  CHECK_FALSE(rules.IsAllowed("/relative"));
  CHECK(rules.IsAllowed("/spaced"));
}

TEST_CASE("a body over 500 KiB is read up to the last whole line") {
  std::string body = "User-agent: *\nDisallow: /early\n";
  constexpr std::string_view kStraddling = "Disallow: /late\n";
  constexpr size_t kBytesInsideCap = std::string_view("Disallow: /").size();
  body += std::string(kMaxRobotsBytes - body.size() - kBytesInsideCap - 1, '#') + "\n";
  // Only "Disallow: /" of this line lies inside the cap; reading it would block the site.
  body += kStraddling;
  REQUIRE(body.size() - kStraddling.size() + kBytesInsideCap == kMaxRobotsBytes);
  const RobotsRules rules = ForUs(body);
  CHECK_FALSE(rules.IsAllowed("/early"));
  CHECK(rules.IsAllowed("/"));
  CHECK(rules.IsAllowed("/late"));
}

TEST_CASE("a fetched prefix that starts with a BOM is still cut at its last whole line") {
  // What the crawler fetches of a longer file: kRobotsFetchBytes, ending mid-line.
  std::string body = "\xEF\xBB\xBFUser-agent: *\nDisallow: /early\n";
  constexpr std::string_view kCut = "Disallow: /";  // of "Disallow: /late"
  body += std::string(kRobotsFetchBytes - body.size() - kCut.size() - 1, '#') + "\n";
  body += kCut;
  REQUIRE(body.size() == kRobotsFetchBytes);
  const RobotsRules rules = ForUs(body);
  CHECK_FALSE(rules.IsAllowed("/early"));
  CHECK(rules.IsAllowed("/"));
}

TEST_CASE("an empty robots.txt allows everything") { CHECK(ForUs("").IsAllowed("/x")); }

TEST_CASE("allow-all and disallow-all stand for missing and unreachable robots.txt") {
  CHECK(RobotsRules::AllowAll().IsAllowed("/x"));
  CHECK_FALSE(RobotsRules::DisallowAll().IsAllowed("/x"));
  CHECK_FALSE(RobotsRules::DisallowAll().IsAllowed("/"));
  CHECK_FALSE(RobotsRules::DisallowAll().IsAllowed(""));
}

TEST_CASE("serialized rules decide exactly as the parsed ones") {
  const RobotsRules parsed = ForUs(
      "User-agent: gleaner\n"
      "Disallow: /shop/\n"
      "Allow: /shop/public/\n"
      "Disallow: /*.pdf$\n"
      "Crawl-delay: 0.25\n"
      "Sitemap: https://example.com/s.xml\n");
  RobotsRules restored = RobotsRules::DisallowAll();
  REQUIRE(RobotsRules::Deserialize(parsed.Serialize(), &restored).ok());
  for (const char* path : {"/shop/x", "/shop/public/y", "/a.pdf", "/a.pdf?x", "/other"}) {
    INFO(path);
    CHECK(restored.IsAllowed(path) == parsed.IsAllowed(path));
  }
  CHECK(restored.crawl_delay_seconds() == std::optional<double>(0.25));
  CHECK(restored.sitemaps() == std::vector<std::string>{"https://example.com/s.xml"});
  CHECK(restored.Serialize() == parsed.Serialize());

  RobotsRules disallow_all;
  REQUIRE(RobotsRules::Deserialize(RobotsRules::DisallowAll().Serialize(), &disallow_all).ok());
  CHECK_FALSE(disallow_all.IsAllowed("/x"));
}

TEST_CASE("damaged cached rules are reported as corruption") {
  RobotsRules rules;
  CHECK(RobotsRules::Deserialize("", &rules).code() == Status::Code::kCorruption);
  CHECK(RobotsRules::Deserialize("robots9\nD /x\n", &rules).code() == Status::Code::kCorruption);
  CHECK(RobotsRules::Deserialize("robots1\nX /x\n", &rules).code() == Status::Code::kCorruption);
  CHECK(RobotsRules::Deserialize("robots1\nC fast\n", &rules).code() == Status::Code::kCorruption);
}

}  // namespace
}  // namespace gleaner::crawler
