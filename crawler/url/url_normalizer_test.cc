#include "crawler/url/url_normalizer.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

std::string Normalized(std::string_view url, NormalizeOptions options = {}) {
  std::string out;
  const Status s = NormalizeUrl(url, options, &out);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return out;
}

constexpr std::string_view kPage = "http://example.com/a/b/page.html?x=1#top";

std::string Resolved(std::string_view ref, std::string_view base = kPage) {
  std::string out;
  const Status s = ResolveUrl(base, ref, NormalizeOptions{}, &out);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return out;
}

Status ResolveStatus(std::string_view ref) {
  std::string out;
  return ResolveUrl(kPage, ref, NormalizeOptions{}, &out);
}

TEST_CASE("relative links resolve against the page") {
  CHECK(Resolved("../c.html") == "http://example.com/a/c.html");
  CHECK(Resolved("./c.html") == "http://example.com/a/b/c.html");
  CHECK(Resolved("c.html") == "http://example.com/a/b/c.html");
  CHECK(Resolved("/root") == "http://example.com/root");
  CHECK(Resolved("../../../../up") == "http://example.com/up");
  CHECK(Resolved("sub/./d/../e") == "http://example.com/a/b/sub/e");
}

TEST_CASE("scheme-relative link takes the page's scheme and its own host") {
  CHECK(Resolved("//cdn.example.org/lib.js") == "http://cdn.example.org/lib.js");
  CHECK(Resolved("//cdn.example.org/lib.js", "https://example.com/") ==
        "https://cdn.example.org/lib.js");
}

TEST_CASE("query-only link replaces the page's query and keeps its path") {
  CHECK(Resolved("?q=2") == "http://example.com/a/b/page.html?q=2");
}

TEST_CASE("fragment-only and empty links are the page itself") {
  CHECK(Resolved("#frag") == "http://example.com/a/b/page.html?x=1");
  CHECK(Resolved("") == "http://example.com/a/b/page.html?x=1");
  CHECK(Resolved("  ") == "http://example.com/a/b/page.html?x=1");
}

TEST_CASE("absolute link ignores the page") {
  CHECK(Resolved("https://Other.EXAMPLE:443/x#y") == "https://other.example/x");
}

TEST_CASE("whitespace around a link and newlines inside it are dropped") {
  CHECK(Resolved("  /padded \n") == "http://example.com/padded");
  CHECK(Resolved("/split\n/across\tlines") == "http://example.com/split/acrosslines");
}

TEST_CASE("percent-encoded dot segments are resolved like plain ones") {
  CHECK(Resolved("%2e%2E/x") == "http://example.com/a/x");
}

TEST_CASE("IDN host becomes punycode") {
  CHECK(Normalized("http://B\xC3\xBC"
                   "cher.example/") == "http://xn--bcher-kva.example/");
  CHECK(Resolved("//b\xC3\xBC"
                 "cher.example/x") == "http://xn--bcher-kva.example/x");
  CHECK(Normalized("http://XN--BCHER-KVA.example/") == "http://xn--bcher-kva.example/");
}

TEST_CASE("a host that is not a valid IDN is rejected, naming why") {
  // Each of these made curl_url_get(CURLU_PUNYCODE) leak the host (ASan).
  for (const char* url : {"http://\xCC\x80"
                          "a.example/",
                          "http://\xC3\xA9-.example/", "http://\xC3\xA9\xFF.com/"}) {
    INFO(url);
    std::string out;
    const Status s = NormalizeUrl(url, {}, &out);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("is not a valid internationalised domain name: ") != std::string::npos);
    CHECK(ResolveStatus(std::string(url).substr(5)).IsInvalidArgument());
  }
}

TEST_CASE("a host spelled with bytes no host name holds is rejected") {
  std::string out;
  for (const char* url : {"http://%257e/", "http://a~b.com/", "http://%zz.com/", "http://a|b/",
                          "http://\xE2\x80\x8B/"}) {
    INFO(url);
    CHECK(NormalizeUrl(url, {}, &out).IsInvalidArgument());
  }
  CHECK(Normalized("http://A_b.Example/") == "http://a_b.example/");
}

TEST_CASE("scheme and host are lower-cased, path case is kept") {
  CHECK(Normalized("HTTP://WWW.Example.COM/Path/File") == "http://www.example.com/Path/File");
}

TEST_CASE("percent-encoding is normalised") {
  CHECK(Normalized("http://example.com/%7euser/a%2fb/%c3%a9?q=%7E%2f%3d") ==
        "http://example.com/~user/a%2Fb/%C3%A9?q=~%2F%3D");
  CHECK(Normalized("http://example.com/my file.html?q=a b") ==
        "http://example.com/my%20file.html?q=a%20b");
  CHECK(Normalized("http://example.com/caf\xC3\xA9") == "http://example.com/caf%C3%A9");
  CHECK(Normalized("http://example.com/100%") == "http://example.com/100%25");
}

TEST_CASE("normalising a normalised URL changes nothing") {
  const std::string once =
      Normalized("http://Example.com:80/%7ea b/%c3%a9/../x?utm_source=1&k=%2f#f");
  CHECK(once == "http://example.com/~a%20b/x?k=%2F");
  CHECK(Normalized(once) == once);
}

TEST_CASE("default ports are dropped, others kept") {
  CHECK(Normalized("http://example.com:80/") == "http://example.com/");
  CHECK(Normalized("https://example.com:443/") == "https://example.com/");
  CHECK(Normalized("http://example.com:443/") == "http://example.com:443/");
  CHECK(Normalized("https://example.com:8443/x") == "https://example.com:8443/x");
}

TEST_CASE("empty path becomes slash and a bare question mark is dropped") {
  CHECK(Normalized("http://example.com") == "http://example.com/");
  CHECK(Normalized("http://example.com?") == "http://example.com/");
  CHECK(Normalized("http://example.com/p?") == "http://example.com/p");
  CHECK(Normalized("http://example.com?a=1") == "http://example.com/?a=1");
}

TEST_CASE("fragment is dropped") {
  CHECK(Normalized("http://example.com/a#b") == "http://example.com/a");
}

TEST_CASE("IPv6 host keeps its brackets") {
  CHECK(Normalized("http://[::1]:8080/x") == "http://[::1]:8080/x");
}

TEST_CASE("tracking parameters are removed and the others keep their order") {
  CHECK(Normalized("http://example.com/p?b=2&utm_source=news&a=1&gclid=XYZ&utm_medium=email"
                   "&c=3&fbclid=1&msclkid=2&mc_cid=3&mc_eid=4&_ga=5&yclid=6") ==
        "http://example.com/p?b=2&a=1&c=3");
  CHECK(Normalized("http://example.com/p?utm_campaign=x") == "http://example.com/p");
  // Only the listed names: neither a bare "utm" nor a longer "_gax" is tracking.
  CHECK(Normalized("http://example.com/p?utm=1&_gax=2") == "http://example.com/p?utm=1&_gax=2");
}

TEST_CASE("tracking parameters stay when stripping is off") {
  NormalizeOptions keep;
  keep.strip_tracking_params = false;
  CHECK(Normalized("http://example.com/p?b=2&utm_source=news", keep) ==
        "http://example.com/p?b=2&utm_source=news");
}

TEST_CASE("links with schemes other than http and https are rejected") {
  for (const char* link : {"mailto:someone@example.com", "javascript:void(0)",
                           "ftp://example.com/file", "data:text/plain,hi", "tel:+123"}) {
    INFO(link);
    const Status s = ResolveStatus(link);
    CHECK(s.IsInvalidArgument());
    const std::string scheme(std::string_view(link).substr(0, std::string_view(link).find(':')));
    CHECK(s.message().find("scheme '" + scheme + "'") != std::string::npos);
  }
}

TEST_CASE("a base that is not an absolute http URL is rejected") {
  std::string out;
  CHECK(ResolveUrl("ftp://example.com/", "x", {}, &out).IsInvalidArgument());
  CHECK(ResolveUrl("/relative/page", "x", {}, &out).IsInvalidArgument());
  CHECK(NormalizeUrl("example.com/x", {}, &out).IsInvalidArgument());
  CHECK(NormalizeUrl("http://exa mple.com/", {}, &out).IsInvalidArgument());
}

TEST_CASE("URLs over 8 KiB are rejected") {
  const std::string prefix = "http://example.com/";
  std::string out;
  const std::string at_limit = prefix + std::string(8192 - prefix.size(), 'a');
  CHECK(NormalizeUrl(at_limit, {}, &out).ok());
  CHECK(NormalizeUrl(at_limit + "a", {}, &out).IsInvalidArgument());
  // Encoding can push a URL over the limit too: each space becomes three bytes.
  CHECK(NormalizeUrl(prefix + std::string(3000, ' ') + "x", {}, &out).IsInvalidArgument());
}

struct PartsCase {
  std::string_view input;
  NormalizedUrl want;
};

TEST_CASE("normalising also gives the host key, host and path the crawler keys on") {
  const PartsCase cases[] = {
      {"HTTP://Example.COM:80",
       {"http://example.com/", "http://example.com:80", "example.com", "/"}},
      {"https://example.com:443/a?b=1#f",
       {"https://example.com/a?b=1", "https://example.com:443", "example.com", "/a?b=1"}},
      {"http://example.com:443/",
       {"http://example.com:443/", "http://example.com:443", "example.com", "/"}},
      {"https://example.com:8443/x",
       {"https://example.com:8443/x", "https://example.com:8443", "example.com", "/x"}},
      {"http://B\xC3\xBC"
       "cher.example/p",
       {"http://xn--bcher-kva.example/p", "http://xn--bcher-kva.example:80",
        "xn--bcher-kva.example", "/p"}},
      {"http://user:pw@Example.com:8080/p",
       {"http://user:pw@example.com:8080/p", "http://example.com:8080", "example.com", "/p"}},
      {"http://example.com/p?utm_source=x&a=1&gclid=2",
       {"http://example.com/p?a=1", "http://example.com:80", "example.com", "/p?a=1"}},
      {"http://example.com/p?utm_source=x",
       {"http://example.com/p", "http://example.com:80", "example.com", "/p"}},
      {"http://example.com/p?",
       {"http://example.com/p", "http://example.com:80", "example.com", "/p"}},
      {"http://example.com?a=1",
       {"http://example.com/?a=1", "http://example.com:80", "example.com", "/?a=1"}},
      {"http://[::1]:8080/x", {"http://[::1]:8080/x", "http://[::1]:8080", "[::1]", "/x"}},
      {"http://example.com/a/%2e%2e/b%7e?q=%7e",
       {"http://example.com/b~?q=~", "http://example.com:80", "example.com", "/b~?q=~"}},
  };
  for (const PartsCase& c : cases) {
    INFO(c.input);
    NormalizedUrl got;
    const Status s = NormalizeUrl(c.input, NormalizeOptions{}, &got);
    INFO(s.ToString());
    REQUIRE(s.ok());
    CHECK(got.url == c.want.url);
    CHECK(got.host_key == c.want.host_key);
    CHECK(got.host == c.want.host);
    CHECK(got.path_and_query == c.want.path_and_query);
    // The parts are what the string accessors give for the normal form.
    CHECK(got.host_key == HostKey(got.url));
    CHECK(got.path_and_query == PathAndQuery(got.url));
    CHECK(got.url == Normalized(c.input));
  }
}

TEST_CASE("a link resolver resolves every link of a page as ResolveUrl does") {
  struct Case {
    std::string_view ref;
    std::string_view url;  // empty: rejected
    std::string_view host_key;
  };
  const Case cases[] = {
      {"c.html", "http://example.com/a/b/c.html", "http://example.com:80"},
      {"../c.html", "http://example.com/a/c.html", "http://example.com:80"},
      {"?q=2", "http://example.com/a/b/page.html?q=2", "http://example.com:80"},
      {"#frag", "http://example.com/a/b/page.html?x=1", "http://example.com:80"},
      {"", "http://example.com/a/b/page.html?x=1", "http://example.com:80"},
      {"//Other.example/x", "http://other.example/x", "http://other.example:80"},
      {"https://Other.example:443/y?utm_source=z", "https://other.example/y",
       "https://other.example:443"},
      {"/root?utm_medium=a&k=1#t", "http://example.com/root?k=1", "http://example.com:80"},
      {"mailto:someone@example.com", "", ""},
      {"javascript:void(0)", "", ""},
      {"http://exa mple.com/", "", ""},
      // After rejected links and other hosts, relative links still use the page.
      {" sub/./d.html ", "http://example.com/a/b/sub/d.html", "http://example.com:80"},
  };
  LinkResolver links;
  REQUIRE(LinkResolver::Make(kPage, NormalizeOptions{}, &links).ok());
  for (const Case& c : cases) {
    INFO(c.ref);
    NormalizedUrl got;
    const Status s = links.Resolve(c.ref, &got);
    std::string single;
    const Status single_status = ResolveUrl(kPage, c.ref, NormalizeOptions{}, &single);
    CHECK(s.ToString() == single_status.ToString());
    if (c.url.empty()) {
      CHECK(s.IsInvalidArgument());
      continue;
    }
    REQUIRE(s.ok());
    CHECK(got.url == c.url);
    CHECK(got.host_key == c.host_key);
    CHECK(single == c.url);
  }
}

// Resolves each link with a resolver of its own, as pages do one after another.
std::string ResolvedByPage(std::string_view base, std::string_view ref,
                           NormalizeOptions options = {}) {
  LinkResolver links;
  REQUIRE(LinkResolver::Make(base, options, &links).ok());
  NormalizedUrl got;
  REQUIRE(links.Resolve(ref, &got).ok());
  return got.url;
}

TEST_CASE("a link remembered from one page is reused only where it resolves the same") {
  // RFC 3986 section 5.4.1's base and results, then the same links on pages
  // of another directory, another last segment, query, host and scheme.
  const struct {
    std::string_view base, ref, url;
  } cases[] = {
      {"http://a/b/c/d;p?q", "g", "http://a/b/c/g"},
      {"http://a/b/c/d;p?q", "../g", "http://a/b/g"},
      {"http://a/b/c/d;p?q", "//g", "http://g/"},
      {"http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y"},
      {"http://a/b/c/other?z=/x/", "g", "http://a/b/c/g"},
      {"http://a/b/c/other?z=/x/", "?y", "http://a/b/c/other?y"},
      {"http://a/b/x/d;p?q", "g", "http://a/b/x/g"},
      {"http://a/b/x/d;p?q", "../g", "http://a/b/g"},
      {"http://a/b/c", "g", "http://a/b/g"},
      {"http://a", "g", "http://a/g"},
      {"http://other/b/c/d;p?q", "g", "http://other/b/c/g"},
      {"https://a/b/c/d;p?q", "//g", "https://g/"},
  };
  for (const auto& c : cases) {
    INFO(c.base << " + " << c.ref);
    CHECK(ResolvedByPage(c.base, c.ref) == c.url);
  }
  // The options are part of what is remembered.
  CHECK(ResolvedByPage("http://a/b/c/d", "g?utm_source=x&k=1") == "http://a/b/c/g?k=1");
  CHECK(ResolvedByPage("http://a/b/c/d", "g?utm_source=x&k=1", {.strip_tracking_params = false}) ==
        "http://a/b/c/g?utm_source=x&k=1");
}

TEST_CASE("a link resolver needs an absolute http base") {
  LinkResolver links;
  NormalizedUrl out;
  CHECK(links.Resolve("x", &out).code() == Status::Code::kFailedPrecondition);
  CHECK(LinkResolver::Make("ftp://example.com/", {}, &links).IsInvalidArgument());
  CHECK(LinkResolver::Make("/relative/page", {}, &links).IsInvalidArgument());
}

TEST_CASE("host key always spells out the port") {
  CHECK(HostKey("http://example.com/a") == "http://example.com:80");
  CHECK(HostKey("https://example.com/a?b") == "https://example.com:443");
  CHECK(HostKey("http://example.com:8080/a") == "http://example.com:8080");
  CHECK(HostKey("not a url").empty());
}

TEST_CASE("path and query is what robots rules see") {
  CHECK(PathAndQuery("http://example.com/a/b?x=1&y") == "/a/b?x=1&y");
  CHECK(PathAndQuery("http://example.com/") == "/");
  CHECK(PathAndQuery("http://example.com:8080/%7Ex%2F") == "/%7Ex%2F");
}

TEST_CASE("equivalent URLs share a fingerprint, different ones do not") {
  const uint64_t canonical = UrlFingerprint(Normalized("http://example.com/~foo?a=1"));
  CHECK(UrlFingerprint(Normalized("HTTP://Example.com:80/%7efoo?a=1&utm_source=x#top")) ==
        canonical);
  CHECK(UrlFingerprint(Normalized("http://example.com/~Foo?a=1")) != canonical);
  CHECK(UrlFingerprint(Normalized("http://example.com/~foo?a=2")) != canonical);
  CHECK(UrlFingerprint(Normalized("https://example.com/~foo?a=1")) != canonical);
}

}  // namespace
}  // namespace gleaner::crawler
