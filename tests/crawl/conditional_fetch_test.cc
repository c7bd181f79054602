// HttpFetcher's conditional GET against the demo site on 127.0.0.1, with the
// site's own request log as the oracle: what went out as If-None-Match /
// If-Modified-Since, and whether the site answered 304 and sent no body.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "crawler/fetch/http_fetcher.h"
#include "demo/conditional_request.h"
#include "demo/fixture_site.h"

namespace gleaner::testing {
namespace {

using crawler::FetchRequest;
using crawler::FetchResult;

constexpr const char* kPath = "/catalogue/page-2.html";

struct Site {
  Site() {
    demo::FixtureOptions options;
    options.pages = 60;
    REQUIRE(demo::FixtureSite::Start(options, &site).ok());
    std::optional<demo::Validators> current = site->ValidatorsOf(kPath);
    REQUIRE(current.has_value());
    REQUIRE(!current->etag.empty());
    etag = current->etag;
    last_modified = demo::HttpDate(current->last_modified);
  }
  std::string Url() const { return site->BaseUrl() + kPath; }
  // The one request the site saw since the last call.
  demo::RequestLogEntry OnlyRequest() {
    std::vector<demo::RequestLogEntry> log = site->RequestLog();
    REQUIRE(log.size() == 1);
    site->ClearRequestLog();
    return log[0];
  }

  std::unique_ptr<demo::FixtureSite> site;
  std::string etag;           // the page's current validators, as the site sends them
  std::string last_modified;
};

FetchResult Fetch(const std::string& url, crawler::Validators validators) {
  FetchRequest request;
  request.url = url;
  request.user_agent = "gleaner-test";
  request.validators = std::move(validators);
  boost::asio::io_context io;
  crawler::HttpFetcher fetcher(io, {}, {});
  FetchResult out;
  fetcher.Fetch(std::move(request), [&](FetchResult r) { out = std::move(r); });
  io.run();
  return out;
}

}  // namespace

TEST_CASE("the page's current ETag is sent as If-None-Match and answered 304 with no body") {
  Site s;
  FetchResult r = Fetch(s.Url(), {s.etag, ""});
  INFO(r.error);
  CHECK(r.ok());
  CHECK(r.not_modified);
  CHECK(r.status == 304);
  CHECK(r.body.empty());
  CHECK(r.wire_bytes == 0);
  // The 304 names the validators again, for the next revisit.
  CHECK(crawler::ValidatorsOf(r.headers).etag == s.etag);
  demo::RequestLogEntry sent = s.OnlyRequest();
  CHECK(sent.if_none_match == s.etag);
  CHECK(sent.if_modified_since.empty());
  CHECK(sent.status == 304);
}

TEST_CASE("a weak ETag goes out as stored and the site's weak comparison matches it") {
  Site s;
  FetchResult r = Fetch(s.Url(), {"W/" + s.etag, ""});
  CHECK(r.not_modified);
  CHECK(r.body.empty());
  CHECK(s.site->NotModifiedCount() == 1);
  demo::RequestLogEntry sent = s.OnlyRequest();
  CHECK(sent.if_none_match == "W/" + s.etag);
  CHECK(sent.status == 304);
}

TEST_CASE("with only Last-Modified known, If-Modified-Since gets the 304") {
  Site s;
  FetchResult r = Fetch(s.Url(), {"", s.last_modified});
  CHECK(r.not_modified);
  CHECK(r.body.empty());
  CHECK(s.site->NotModifiedCount() == 1);
  demo::RequestLogEntry sent = s.OnlyRequest();
  CHECK(sent.if_none_match.empty());
  CHECK(sent.if_modified_since == s.last_modified);
}

TEST_CASE("a stale ETag gets 200 and the body, though Last-Modified alone would match") {
  Site s;
  // Both go out; the site evaluates If-None-Match and ignores the date (RFC 9110 13.1.3).
  FetchResult r = Fetch(s.Url(), {"\"stale\"", s.last_modified});
  INFO(r.error);
  CHECK(r.ok());
  CHECK_FALSE(r.not_modified);
  CHECK(r.status == 200);
  CHECK(r.body.find("<html") != std::string::npos);
  CHECK(crawler::ValidatorsOf(r.headers).etag == s.etag);
  CHECK(s.site->NotModifiedCount() == 0);
  demo::RequestLogEntry sent = s.OnlyRequest();
  CHECK(sent.if_none_match == "\"stale\"");
  CHECK(sent.if_modified_since == s.last_modified);
  CHECK(sent.status == 200);
}

TEST_CASE("a validator with CR/LF or over 1 KiB is not sent: no header is injected") {
  Site s;
  for (const std::string& bad : {s.etag + "\r\nIf-Modified-Since: " + s.last_modified,
                                 s.etag + "\nX-Injected: 1",
                                 s.etag + std::string(crawler::kMaxValidatorBytes, ' ')}) {
    FetchResult r = Fetch(s.Url(), {bad, ""});
    CHECK(r.status == 200);
    CHECK_FALSE(r.not_modified);
    demo::RequestLogEntry sent = s.OnlyRequest();
    CHECK(sent.if_none_match.empty());
    CHECK(sent.if_modified_since.empty());  // the injected line did not arrive either
  }
  // The safe one of a pair still goes.
  FetchResult r = Fetch(s.Url(), {s.etag + "\r\nX: 1", s.last_modified});
  CHECK(r.not_modified);
  demo::RequestLogEntry sent = s.OnlyRequest();
  CHECK(sent.if_none_match.empty());
  CHECK(sent.if_modified_since == s.last_modified);
}

}  // namespace gleaner::testing
