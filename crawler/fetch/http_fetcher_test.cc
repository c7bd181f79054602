// HttpFetcher's guards against a scripted HTTP/1.1 server on 127.0.0.1: the
// caps on bytes received and after decompression, the redirect count and the
// schemes a redirect may lead to, the timeouts, the refusals that happen
// before any connection (other schemes, private addresses), and a 304 nobody
// asked for; and FetchThread, which runs it on a thread of its own.
// (Conditional GETs against the demo site: tests/crawl.)
#include "crawler/fetch/http_fetcher.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/receive_timestamp.h"
#include "crawler/fetch/fetch_thread.h"
#include "tests/support/loopback_port.h"

using namespace gleaner;
using namespace gleaner::crawler;

namespace {

// Answers each request path with its scripted raw bytes, one connection at a
// time on its own thread, then closes the connection; a `keep_alive` reply
// reads the next request on the same connection instead, and a `stall` reply
// sends its bytes and then holds the connection open, silent, until the
// server is destroyed. Unknown paths get a 404.
class ScriptedServer {
 public:
  struct Reply {
    std::string bytes;
    bool stall = false;
    bool keep_alive = false;
  };
  // A whole response with a Content-Length, and a 302 to `location`.
  static std::string Http(int status, const std::string& body, const std::string& headers = "") {
    return "HTTP/1.1 " + std::to_string(status) +
           " X\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
           headers + "\r\n" + body;
  }
  static Reply KeptAlive(const std::string& body) {
    return Reply{
        "HTTP/1.1 200 X\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
        false, true};
  }
  static std::string Redirect(const std::string& location) {
    return Http(302, "", "Location: " + location + "\r\n");
  }

  explicit ScriptedServer(std::map<std::string, Reply> replies) : replies_(std::move(replies)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = testing::LoopbackAddress(0);
    REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(listen_fd_, 16) == 0);
    // Accepted sockets inherit it: the kernel stamps each packet on arrival.
    const int on = 1;
    REQUIRE(setsockopt(listen_fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0);
    socklen_t len = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~ScriptedServer() {
    shutdown(listen_fd_, SHUT_RDWR);  // wakes the blocked accept
    thread_.join();
    for (int fd : stalled_) close(fd);
    close(listen_fd_);
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int requests() const { return requests_; }
  int connections() const { return connections_; }
  struct Arrival {
    std::string path;
    // When the request's first bytes reached the kernel: a time no lag of the
    // server's thread can move.
    std::chrono::system_clock::time_point at;
  };
  // Every request so far, by arrival.
  std::vector<Arrival> arrivals() const {
    std::lock_guard<std::mutex> lock(arrivals_mu_);
    std::vector<Arrival> sorted = arrivals_;
    std::sort(sorted.begin(), sorted.end(),
              [](const Arrival& a, const Arrival& b) { return a.at < b.at; });
    return sorted;
  }

 private:
  void Serve() {
    for (;;) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      if (ServeConnection(fd)) close(fd);
    }
  }

  // Answers the connection's requests; false when it is left open (stalled).
  bool ServeConnection(int fd) {
    for (;;) {
      std::string head;
      char buf[4096];
      std::chrono::system_clock::time_point arrived;
      while (head.find("\r\n\r\n") == std::string::npos) {
        std::optional<std::chrono::system_clock::time_point> stamp;
        ssize_t n = ReceiveWithTimestamp(fd, buf, sizeof(buf), 0, &stamp);
        if (n <= 0) return true;
        if (head.empty()) arrived = stamp.value_or(std::chrono::system_clock::now());
        head.append(buf, static_cast<size_t>(n));
      }
      ++requests_;
      // "GET /path HTTP/1.1"
      size_t start = head.find(' ') + 1;
      std::string path = head.substr(start, head.find(' ', start) - start);
      {
        std::lock_guard<std::mutex> lock(arrivals_mu_);
        arrivals_.push_back({path, arrived});
      }
      auto it = replies_.find(path);
      Reply reply = it != replies_.end() ? it->second : Reply{Http(404, "")};
      send(fd, reply.bytes.data(), reply.bytes.size(), MSG_NOSIGNAL);
      if (reply.stall) {
        stalled_.push_back(fd);
        return false;
      }
      if (!reply.keep_alive) return true;
    }
  }

  std::map<std::string, Reply> replies_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  mutable std::mutex arrivals_mu_;
  std::vector<Arrival> arrivals_;
  std::vector<int> stalled_;  // only the server thread touches it until the join
  std::thread thread_;
};

using Reply = ScriptedServer::Reply;

FetchRequest Request(const std::string& url) {
  FetchRequest request;
  request.url = url;
  request.user_agent = "gleaner-test";
  request.limits.connect_timeout_ms = 5000;
  request.limits.total_timeout_ms = 10000;
  return request;
}

// Runs one fetch to its end on an io_context of its own.
FetchResult Fetch(FetchRequest request, HttpFetcher::Options options = {}) {
  boost::asio::io_context io;
  HttpFetcher fetcher(io, {}, std::move(options));
  FetchResult out;
  bool done = false;
  fetcher.Fetch(std::move(request), [&](FetchResult r) {
    out = std::move(r);
    done = true;
  });
  io.run();
  REQUIRE(done);
  return out;
}

std::string ZstdOfZeros(size_t inflated_bytes) {
  std::string zeros(inflated_bytes, '\0');
  std::string out(ZSTD_compressBound(zeros.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), zeros.data(), zeros.size(), 19);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

}  // namespace

TEST_CASE("a body over max_body_bytes fails as too large, declared or not") {
  std::string chunked_2000 =
      "HTTP/1.1 200 X\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (int i = 0; i < 20; ++i) chunked_2000 += "64\r\n" + std::string(100, 'c') + "\r\n";
  chunked_2000 += "0\r\n\r\n";
  ScriptedServer server({{"/small", {ScriptedServer::Http(200, std::string(1000, 's'))}},
                         {"/declared", {ScriptedServer::Http(200, std::string(2000, 'd'))}},
                         {"/chunked", {chunked_2000}}});
  FetchRequest request = Request(server.Url("/small"));
  request.limits.max_body_bytes = 1000;
  FetchResult small = Fetch(request);
  INFO(small.error);
  CHECK(small.ok());
  CHECK(small.body == std::string(1000, 's'));

  for (const char* path : {"/declared", "/chunked"}) {
    INFO(path);
    request.url = server.Url(path);
    FetchResult big = Fetch(request);
    CHECK(big.error_kind == v1::ERROR_TOO_LARGE);
    CHECK(big.error == "body larger than 1000 bytes");
    CHECK(big.body.empty());
    CHECK_FALSE(big.retryable());
  }
}

TEST_CASE("a compressed body inflating past max_decompressed_bytes fails, or keeps its start") {
  const std::string bomb = ZstdOfZeros(1 << 20);
  ScriptedServer server(
      {{"/bomb", {ScriptedServer::Http(200, bomb, "Content-Encoding: zstd\r\n")}}});
  FetchRequest request = Request(server.Url("/bomb"));
  request.limits.max_decompressed_bytes = 64 << 10;
  FetchResult refused = Fetch(request);
  CHECK(refused.error_kind == v1::ERROR_TOO_LARGE);
  CHECK(refused.error == "decompressed body larger than 65536 bytes");
  CHECK(refused.body.empty());
  CHECK(refused.wire_bytes < 64 << 10);  // small on the wire: only the inflated size is capped

  request.keep_body_prefix = true;  // robots.txt: its first bytes are the answer
  FetchResult prefix = Fetch(request);
  INFO(prefix.error);
  CHECK(prefix.ok());
  CHECK(prefix.body == std::string(64 << 10, '\0'));
}

TEST_CASE("redirects are followed up to max_redirects hops, each recorded, and no further") {
  std::map<std::string, Reply> replies;
  for (int i = 0; i < 6; ++i) {
    std::string next = i < 5 ? "/hop/" + std::to_string(i + 1) : "/end";
    replies["/hop/" + std::to_string(i)] = {ScriptedServer::Redirect(next)};
  }
  replies["/end"] = {ScriptedServer::Http(200, "arrived")};
  ScriptedServer server(replies);
  FetchRequest request = Request(server.Url("/hop/0"));
  request.limits.max_redirects = 6;
  FetchResult followed = Fetch(request);
  INFO(followed.error);
  CHECK(followed.ok());
  CHECK(followed.body == "arrived");
  CHECK(followed.final_url == server.Url("/end"));
  REQUIRE(followed.redirects.size() == 6);
  CHECK(followed.redirects[0] == server.Url("/hop/1"));
  CHECK(server.requests() == 7);

  request.limits.max_redirects = 5;
  FetchResult stopped = Fetch(request);
  CHECK(stopped.error_kind == v1::ERROR_TOO_MANY_REDIRECTS);
  CHECK(stopped.error == "more than 5 redirects");
  CHECK(stopped.final_url == server.Url("/hop/5"));
  CHECK(server.requests() == 7 + 6);  // /end was not asked for
}

TEST_CASE("a redirect to another scheme or refused by the policy is not followed") {
  ScriptedServer server({{"/to-file", {ScriptedServer::Redirect("file:///etc/passwd")}},
                         {"/to-ftp", {ScriptedServer::Redirect("ftp://127.0.0.1/x")}},
                         {"/elsewhere", {ScriptedServer::Redirect("/outside")}}});
  for (const char* path : {"/to-file", "/to-ftp"}) {
    INFO(path);
    FetchResult r = Fetch(Request(server.Url(path)));
    CHECK(r.error_kind == v1::ERROR_BAD_URL);
    CHECK(r.error.starts_with("redirect to a non-http(s) URL: "));
  }
  FetchRequest request = Request(server.Url("/elsewhere"));
  std::string asked;
  request.redirect_policy = [&](const std::string& next) {
    asked = next;
    return std::string("out of scope");
  };
  FetchResult refused = Fetch(request);
  CHECK(asked == server.Url("/outside"));
  CHECK(refused.error_kind == v1::ERROR_OUT_OF_SCOPE);
  CHECK(refused.error == "redirect to " + server.Url("/outside") + " refused: out of scope");
  CHECK_FALSE(refused.retryable());
  CHECK(server.requests() == 3);  // /outside was never fetched
}

TEST_CASE("a server that goes silent times out by the total or the low-speed limit") {
  ScriptedServer server(
      {{"/silent", {"HTTP/1.1 200 X\r\nContent-Length: 1000\r\n\r\nfirst bytes", true}}});
  FetchRequest request = Request(server.Url("/silent"));
  request.limits.total_timeout_ms = 300;
  auto start = std::chrono::steady_clock::now();
  FetchResult total = Fetch(request);
  CHECK(total.error_kind == v1::ERROR_TIMEOUT);
  CHECK(total.retryable());
  CHECK(total.body.empty());

  // curl measures low speed in whole seconds: this case takes one.
  request.limits.total_timeout_ms = 30000;
  request.limits.low_speed_bytes_per_s = 100;
  request.limits.low_speed_time_s = 1;
  FetchResult slow = Fetch(request);
  CHECK(slow.error_kind == v1::ERROR_TIMEOUT);
  CHECK(slow.retryable());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("a port nobody listens on fails to connect, retryably") {
  FetchResult r = Fetch(Request("http://127.0.0.1:" + std::to_string(testing::FreePort()) + "/"));
  CHECK(r.error_kind == v1::ERROR_CONNECT);
  CHECK(r.retryable());
}

TEST_CASE("schemes other than http and https are refused without a connection") {
  ScriptedServer server({});
  std::string authority =
      server.Url("/x").substr(std::string("http").size());  // "://127.0.0.1:P/x"
  for (std::string url : {"ftp" + authority, "gopher" + authority, "telnet" + authority,
                          std::string("file:///etc/passwd")}) {
    INFO(url);
    FetchResult r = Fetch(Request(url));
    CHECK(r.curl_code == CURLE_UNSUPPORTED_PROTOCOL);
    CHECK_FALSE(r.ok());
    CHECK(r.body.empty());
  }
  CHECK(server.requests() == 0);
}

TEST_CASE("restricted to public networks, a loopback address is refused before connecting") {
  ScriptedServer server({{"/", {ScriptedServer::Http(200, "private")}}});
  FetchResult r = Fetch(Request(server.Url("/")), {.ca_file = "", .public_networks_only = true});
  CHECK(r.error_kind == v1::ERROR_OUT_OF_SCOPE);
  CHECK(r.error.find("refused to connect to 127.0.0.1") != std::string::npos);
  CHECK_FALSE(r.retryable());
  CHECK(server.requests() == 0);
}

TEST_CASE("a 304 to a request without validators is the server's error, not a fetched page") {
  const std::string not_modified =
      "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nConnection: close\r\n\r\n";
  ScriptedServer server({{"/page", {not_modified}}});
  FetchResult unasked = Fetch(Request(server.Url("/page")));
  CHECK_FALSE(unasked.ok());
  CHECK_FALSE(unasked.not_modified);
  CHECK(unasked.error_kind == v1::ERROR_HTTP_STATUS);
  CHECK(unasked.error ==
        "HTTP 304 Not Modified to a request without If-None-Match or If-Modified-Since");
  CHECK_FALSE(unasked.retryable());

  // Validators the fetcher refuses to send leave the request unconditional too.
  FetchRequest injected = Request(server.Url("/page"));
  injected.validators.etag = "\"x\"\r\nX-Injected: 1";
  CHECK(Fetch(injected).error_kind == v1::ERROR_HTTP_STATUS);

  // Asked for, by the validators or by the job's own headers, it is a fetch.
  FetchRequest asked = Request(server.Url("/page"));
  asked.validators.etag = "\"x\"";
  FetchResult conditional = Fetch(asked);
  INFO(conditional.error);
  CHECK(conditional.ok());
  CHECK(conditional.not_modified);
  CHECK(conditional.status == 304);
  CHECK(conditional.body.empty());
  FetchRequest by_header = Request(server.Url("/page"));
  by_header.headers = {"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT"};
  CHECK(Fetch(by_header).not_modified);
}

TEST_CASE("a kept-alive connection the server closed while idle is replaced, not waited on") {
  // "/keep" leaves the connection open for the next request; "/last" answers
  // and closes it while the client holds it idle, so the fetch after it finds
  // a dead connection, and its new socket often gets the same descriptor
  // number: a watch left over from the old one would never fire.
  ScriptedServer server({{"/keep", ScriptedServer::KeptAlive("keep")},
                         {"/last", Reply{ScriptedServer::Http(200, "last")}}});
  boost::asio::io_context io;
  HttpFetcher fetcher(io, {}, {});
  const std::vector<std::string> paths = {"/keep", "/keep", "/last", "/keep", "/last", "/keep"};
  for (const std::string& path : paths) {
    FetchResult out;
    bool done = false;
    fetcher.Fetch(Request(server.Url(path)), [&](FetchResult r) {
      out = std::move(r);
      done = true;
    });
    io.restart();
    io.run();  // returns once the fetch is done: an idle connection holds no pending wait
    REQUIRE(done);
    CHECK(out.curl_code == CURLE_OK);
    CHECK(out.status == 200);
    CHECK(out.body == path.substr(1));
  }
  CHECK(server.requests() == 6);
  // Reused until the server closed it: /keep /keep /last, /keep /last, /keep.
  CHECK(server.connections() == 3);
}

TEST_CASE("requests asking for a start gap reach their host that gap apart, other hosts at once") {
  // As the crawl engine asks when a slow machine held the first of a host's
  // requests back: all handed to the fetcher at the same moment.
  ScriptedServer server({{"/one", Reply{ScriptedServer::Http(200, "x")}},
                         {"/two", Reply{ScriptedServer::Http(200, "x")}}});
  boost::asio::io_context io;
  HttpFetcher fetcher(io, {}, {});
  const auto gap = std::chrono::milliseconds(150);
  int ok = 0;
  for (const char* host : {"one", "one", "one", "two"}) {
    FetchRequest request = Request(server.Url(std::string("/") + host));
    request.host_key = host;
    request.start_gap = gap;
    fetcher.Fetch(std::move(request), [&](FetchResult r) { ok += r.ok(); });
  }
  io.run();
  CHECK(ok == 4);
  std::vector<std::chrono::system_clock::time_point> one, two;
  for (const auto& arrival : server.arrivals())
    (arrival.path == "/one" ? one : two).push_back(arrival.at);
  REQUIRE(one.size() == 3);
  REQUIRE(two.size() == 1);
  // One's first and two's only request start together; one's others a gap
  // apart each, less a margin for the client's own time from the start of a
  // request to its bytes on the wire (connect, then send).
  const auto margin = std::chrono::milliseconds(40);
  CHECK(two[0] - one[0] < gap);
  CHECK(one[1] - one[0] >= gap - margin);
  CHECK(one[2] - one[1] >= gap - margin);
}

TEST_CASE("FetchThread fetches on its own thread and hands each result to the caller's") {
  ScriptedServer server({{"/a", {ScriptedServer::Http(200, "alpha")}},
                         {"/b", {ScriptedServer::Http(200, "beta")}},
                         {"/moved", {ScriptedServer::Redirect("/a")}}});
  boost::asio::io_context io;
  auto keep_running = boost::asio::make_work_guard(io);
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id policy_thread;
  std::map<std::string, std::string> bodies;
  int results_on_caller = 0;
  FetchThread fetcher(io.get_executor(), {}, {});
  for (const char* path : {"/a", "/b", "/moved"}) {
    FetchRequest request = Request(server.Url(path));
    request.redirect_policy = [&](const std::string&) {
      policy_thread = std::this_thread::get_id();
      return std::string();
    };
    fetcher.Fetch(std::move(request), [&, path = std::string(path)](FetchResult r) {
      bodies[path] = r.body;
      if (std::this_thread::get_id() == caller) ++results_on_caller;
      if (bodies.size() == 3) keep_running.reset();
    });
  }
  io.run();
  CHECK(bodies ==
        std::map<std::string, std::string>{{"/a", "alpha"}, {"/b", "beta"}, {"/moved", "alpha"}});
  CHECK(results_on_caller == 3);
  CHECK(policy_thread != std::thread::id());
  CHECK(policy_thread != caller);
}

TEST_CASE("a FetchThread destroyed with a fetch under way abandons it without calling back") {
  ScriptedServer server({{"/silent", {"HTTP/1.1 200 X\r\nContent-Length: 10\r\n\r\nab", true}}});
  boost::asio::io_context io;
  bool called = false;
  {
    FetchThread fetcher(io.get_executor(), {}, {});
    fetcher.Fetch(Request(server.Url("/silent")), [&](FetchResult) { called = true; });
    // The request reached the server: the transfer is under way when the fetcher goes.
    for (int i = 0; i < 500 && server.requests() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(server.requests() == 1);
  }
  io.run();  // nothing was posted back
  CHECK_FALSE(called);
}
