// The normal form is a fixed point: normalising a normalised URL, or a link
// the resolver produced, gives it back unchanged with the same key parts.
// Inputs are assembled from tricky pieces (percent-encodings in every part,
// IDN, IP literals, ports, dot segments, case) by a seeded generator, so a
// failure reproduces.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "crawler/url/url_normalizer.h"

namespace gleaner::crawler {
namespace {

constexpr const char* kSchemes[] = {"http://", "HTTP://", "https://", "hTTpS://", "//", ""};

constexpr const char* kUserinfos[] = {
    "",          "",           "",   "user@", "u%61:p%zz@",      "%41:%3a@",    "a b:c@",
    "\xC3\xA9@", "a%2Fb:%40@", ":@", "u:@",   "x!$&'()*+,;=:y@", "%7e%7E:%25@", "\xA1@",
    "%a1:\xA1@"};

constexpr const char* kHosts[] = {"example.com",
                                  "EXAMPLE.Com",
                                  "%257e",
                                  "%7e",
                                  "%41bc.com",
                                  "a%2eb.com",
                                  "%zz.com",
                                  "%25",
                                  "B\303\274cher.example",
                                  "b%C3%BCcher.example",
                                  "b%c3%bccher.example",
                                  "XN--BCHER-KVA.example",
                                  "xn--ab--",
                                  "xn--",
                                  "\314\200a.example",
                                  "a\xC2\xAD\xCC\x80.example",
                                  "\xE2\x80\x8B",
                                  "\342\200\215x.example",
                                  "\xC3\x9F.de",
                                  "\xEF\xBC\xA1.example",
                                  "\xFF.com",
                                  "\xC3\xA9-.example",
                                  "%C3%28.com",
                                  "a..b",
                                  "a.b.",
                                  ".",
                                  "a_b.com",
                                  "a~b.com",
                                  "a|b.com",
                                  "127.0.0.1",
                                  "0x7f.1",
                                  "2130706433",
                                  "%31%32%37.0.0.1",
                                  "0177.0.0.01",
                                  "1.2.3",
                                  "256.1.1.1",
                                  "[::1]",
                                  "[0:0::1]",
                                  "[FE80::1%25eth0]",
                                  "[::ffff:1.2.3.4]",
                                  "[2001:DB8::A]",
                                  "[v1.x]",
                                  "[::1",
                                  "h",
                                  "H%4Fst",
                                  "%E2%98%83.net",
                                  "\xE2\x98\x83.net",
                                  "xn--n3h.net",
                                  "a\tb.com"};

constexpr const char* kPorts[] = {"",      "",       "",       ":",  ":80", ":443", ":0080",
                                  ":8080", ":65535", ":65536", ":x", ":-1", ":0"};

constexpr const char* kPathPieces[] = {
    "/",         "/a",      "/A",   "/..",  "/.",    "/%2e%2E", "/%2E",  "/.%2e",    "//",
    "/%257e",    "/%7e",    "/%7E", "/%a1", "/%A1",  "/%",      "/%%31", "/%zz",     "/a b",
    "/\xC3\xA9", "/%c3%a9", "/%2F", "/%2f", "/;p=1", "/@:",     "/[x]",  "/{}|\\^`", "/\x7F",
    "/%00",      "/~",      "/%3F", "/%23", "/\"<>", "/a?b",    "/\xA1"};

constexpr const char* kQueries[] = {
    "",       "",         "?",      "?a=1",     "?%a1=%7e", "?utm_source=x&b", "?b&utm_medium=y",
    "?q=a b", "?a=%",     "??",     "?a=%2525", "?a/b?c",   "?%2F%2f",         "?\xC3\xA9",
    "?&&",    "?gclid=1", "?a=%zz", "?[]",      "?%23",     "?a=1&a=1",        "?\xA1"};

constexpr const char* kFragments[] = {"", "", "#x", "#%zz", "#a b", "#?q"};

class UrlGenerator {
 public:
  explicit UrlGenerator(uint32_t seed) : rng_(seed) {}

  // An absolute URL (or, sometimes, something that only looks like one).
  std::string Absolute() {
    std::string url = Pick(kSchemes);
    if (url.empty() || url == "//") url = "http://";
    return url + Authority() + Path() + Pick(kQueries) + Pick(kFragments);
  }

  // An href as found in a page: absolute, scheme-relative, or relative.
  std::string Reference() {
    switch (rng_() % 5) {
      case 0:
        return Absolute();
      case 1:
        return "//" + Authority() + Path() + Pick(kQueries);
      case 2:
        return Path().substr(1) + Pick(kQueries) + Pick(kFragments);
      case 3:
        return std::string(Pick(kQueries)) + Pick(kFragments);
      default:
        return Path() + Pick(kQueries);
    }
  }

 private:
  template <size_t N>
  const char* Pick(const char* const (&pieces)[N]) {
    return pieces[rng_() % N];
  }

  std::string Authority() { return std::string(Pick(kUserinfos)) + Pick(kHosts) + Pick(kPorts); }

  std::string Path() {
    std::string path;
    const int pieces = static_cast<int>(rng_() % 4);
    for (int i = 0; i < pieces; ++i) path += Pick(kPathPieces);
    return path.empty() ? "/" : path;
  }

  std::mt19937 rng_;
};

// Normalising `url`, already in normal form, must give it back, and the same
// key parts as the normalisation that produced it.
void CheckFixedPoint(const NormalizedUrl& normal) {
  INFO("normal form: " << normal.url);
  NormalizedUrl again;
  const Status s = NormalizeUrl(normal.url, NormalizeOptions{}, &again);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(again.url == normal.url);
  CHECK(again.host_key == normal.host_key);
  CHECK(again.host == normal.host);
  CHECK(again.path_and_query == normal.path_and_query);
  CHECK(HostKey(normal.url) == normal.host_key);
  CHECK(PathAndQuery(normal.url) == normal.path_and_query);
}

}  // namespace

TEST_CASE("normalising a normalised URL gives it back, for every generated URL") {
  UrlGenerator generate(20261204);
  int normalised = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string input = generate.Absolute();
    INFO("input: " << input);
    NormalizedUrl once;
    if (!NormalizeUrl(input, NormalizeOptions{}, &once).ok()) continue;
    ++normalised;
    CheckFixedPoint(once);
  }
  // The generator must mostly produce URLs, or the property says little.
  CHECK(normalised > 5000);
}

TEST_CASE("a resolved link is in normal form, for every generated page and link") {
  UrlGenerator generate(4096);
  int resolved = 0;
  for (int page = 0; page < 400; ++page) {
    const std::string base = generate.Absolute();
    LinkResolver links;
    if (!LinkResolver::Make(base, NormalizeOptions{}, &links).ok()) continue;
    for (int link = 0; link < 50; ++link) {
      const std::string ref = generate.Reference();
      INFO("base: " << base << "\nlink: " << ref);
      NormalizedUrl out;
      if (!links.Resolve(ref, &out).ok()) continue;
      ++resolved;
      CheckFixedPoint(out);
    }
  }
  CHECK(resolved > 5000);
}

TEST_CASE("the URLs that broke the fixed point before") {
  std::string out;
  // libcurl decodes the host once: "%257e" became "%7e", then "~".
  CHECK(NormalizeUrl("http://%257e", {}, &out).IsInvalidArgument());
  CHECK(NormalizeUrl("http://%7e/", {}, &out).IsInvalidArgument());
  // A host that IDN mapping empties normalised to "http:///", which does not parse.
  CHECK(NormalizeUrl("http://\xE2\x80\x8B/", {}, &out).IsInvalidArgument());
  // User names were copied as libcurl gave them, raw UTF-8 included.
  REQUIRE(NormalizeUrl("http://\xC3\xA9:p%7e@example.com/", {}, &out).ok());
  CHECK(out == "http://%C3%A9:p~@example.com/");
  // libcurl escapes raw bytes of a relative link in lower-case hex.
  REQUIRE(ResolveUrl("http://example.com/", "//\xA1@example.com/\xA1?\xA1", {}, &out).ok());
  CHECK(out == "http://%A1@example.com/%A1?%A1");
}

}  // namespace gleaner::crawler
