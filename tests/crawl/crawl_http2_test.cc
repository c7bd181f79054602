// The crawler speaks HTTP/2 where a server offers it and keeps one connection
// for many pages. The real binary crawls a static site served by nghttpd,
// which over TLS agrees only on h2 (by ALPN) and answers nothing else, with a
// certificate made at test time and trusted through --ca-file. nghttpd's
// verbose log names the connection and stream of every request, so the test
// sees the pages from the server's side. Without --ca-file the certificate is
// not trusted and no request reaches the server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/crawl/crawl_test_util.h"
#include "tests/support/loopback_port.h"
#include "tests/support/temp_dir.h"

using namespace gleaner::testing;

namespace {

struct Product {
  std::string title, price, rating, upc, category;
};

// The shop: two listing pages and four product pages linking each other.
const std::map<std::string, Product> kProducts = {
    {"/p/lamp.html", {"Desk lamp", "$12.50", "Three", "upc-lamp", "Lighting"}},
    {"/p/chair.html", {"Oak chair", "$80.00", "Five", "upc-chair", "Furniture"}},
    {"/p/desk.html", {"Writing desk", "$210.00", "Four", "upc-desk", "Furniture"}},
    {"/p/rug.html", {"Wool rug", "$45.99", "One", "upc-rug", "Textiles"}},
};

std::string ProductHtml(const Product& p, const std::string& next) {
  return "<html><head><title>" + p.title +
         "</title></head><body><article class=\"product_page\">"
         "<ul class=\"breadcrumb\"><li><a href=\"/\">Home</a></li><li class=\"category\">" +
         p.category + "</li></ul><h1>" + p.title + "</h1><p class=\"price_color\">" + p.price +
         "</p><p class=\"star-rating " + p.rating + "\"></p><table><tr><th>UPC</th><td>" + p.upc +
         "</td></tr></table><a href=\"" + next + "\">next</a></article></body></html>\n";
}

void WriteSite(const std::string& root) {
  std::filesystem::create_directories(root + "/p");
  WriteFile(root + "/index.html",
            "<html><body><h1>Shop</h1><a href=\"/p/lamp.html\">Lamp</a> "
            "<a href=\"/p/chair.html\">Chair</a> <a href=\"/more.html\">More</a></body></html>\n");
  WriteFile(root + "/more.html",
            "<html><body><a href=\"/p/desk.html\">Desk</a> <a href=\"/p/rug.html\">Rug</a> "
            "<a href=\"/\">Home</a></body></html>\n");
  WriteFile(root + "/p/lamp.html", ProductHtml(kProducts.at("/p/lamp.html"), "/p/chair.html"));
  WriteFile(root + "/p/chair.html", ProductHtml(kProducts.at("/p/chair.html"), "/p/desk.html"));
  WriteFile(root + "/p/desk.html", ProductHtml(kProducts.at("/p/desk.html"), "/p/rug.html"));
  WriteFile(root + "/p/rug.html", ProductHtml(kProducts.at("/p/rug.html"), "/p/lamp.html"));
}

// A self-signed certificate for 127.0.0.1: dir/cert.pem, dir/key.pem.
void MakeCertificate(const TempDir& dir) {
  ProcessResult r = RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                "-keyout", dir / "key.pem", "-out", dir / "cert.pem"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// nghttpd -v serving dir/site over TLS with dir's certificate on a free port.
class Nghttpd {
 public:
  explicit Nghttpd(const TempDir& dir) : port_(FreePort()) {
    process_.Start({"/usr/sbin/nghttpd", "-v", "-a", "127.0.0.1", "-d", dir / "site",
                    std::to_string(port_), dir / "key.pem", dir / "cert.pem"});
    // Startup takes milliseconds; the bound only keeps a broken install from hanging the test.
    for (int i = 0; i < 1000; ++i) {
      if (AcceptsConnections(port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ProcessResult r = process_.Wait();
    throw std::runtime_error("nghttpd did not start: " + r.out + r.err);
  }

  std::string BaseUrl() const { return "https://127.0.0.1:" + std::to_string(port_); }

  // Stops the server and returns its log (nghttpd flushes every line).
  std::string StopAndLog() {
    process_.Kill(SIGKILL);
    return process_.Wait().out;
  }

 private:
  int port_;
  ChildProcess process_;
};

// One request as nghttpd -v logs it: "[id=C] [ t] recv (stream_id=S) :path: P".
struct Request {
  int connection;
  int stream;
  std::string path;
};

std::vector<Request> Requests(const std::string& log) {
  static const std::regex kPathLine(
      R"(^\[id=(\d+)\] \[[^\]]*\] recv \(stream_id=(\d+)\) :path: (.*)$)");
  std::vector<Request> out;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, kPathLine)) {
      out.push_back({std::stoi(m[1]), std::stoi(m[2]), m[3]});
    }
  }
  return out;
}

// A record field as text; a missing field shows as "null" and fails its comparison.
std::string Text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string ShopJob(const Nghttpd& server, const std::string& name, bool robots) {
  return "name: " + name + "\nsources:\n  - kind: html\n    seeds: [\"" + server.BaseUrl() +
         "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
         "politeness: {concurrency: 4, per_host: 4, delay_ms: 0, robots: " +
         (robots ? "true" : "false") + "}\n";
}

}  // namespace

TEST_CASE("an HTTP/2 server is crawled over one multiplexed connection with --ca-file") {
  TempDir dir;
  MakeCertificate(dir);
  WriteSite(dir / "site");
  Nghttpd server(dir);
  ProcessResult run =
      Gleaner({"crawl", WriteJob(dir, "shop.yaml", ShopJob(server, "shop", /*robots=*/true)),
               "--data", dir / "data", "--ca-file", dir / "cert.pem"});
  std::string log = server.StopAndLog();
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // Six pages, every response over HTTP/2 (robots.txt is not a page of the job).
  CHECK(run.out.find("6 pages") != std::string::npos);
  CHECK(run.out.find("  protocols: http/2×6\n") != std::string::npos);

  std::map<std::string, Product> got;
  for (const auto& rec : DumpRecords(dir / "data", "shop")) {
    std::string path = PathOf(rec["source_url"]);
    INFO("record from " << path);
    Product p{Text(rec["title"]), Text(rec["price"]), Text(rec["rating"]), Text(rec["upc"]),
              Text(rec["category"])};
    CHECK(got.emplace(path, p).second);  // one record per product page
  }
  REQUIRE(got.size() == kProducts.size());
  for (const auto& [path, want] : kProducts) {
    INFO(path);
    REQUIRE(got.count(path) == 1);
    const Product& p = got.at(path);
    CHECK(p.title == want.title);
    CHECK(p.price == want.price);
    CHECK(p.rating == want.rating);
    CHECK(p.upc == want.upc);
    CHECK(p.category == want.category);
  }
  CHECK(StageErrors(dir / "data", "shop").empty());

  // The server's side: each URL asked for once, all as streams of one TLS
  // connection that agreed on h2. One is exact: robots.txt goes first and
  // alone, and every later request waits (PIPEWAIT) for that connection to
  // multiplex instead of opening another.
  INFO(log);
  std::vector<Request> requests = Requests(log);
  std::multiset<std::string> paths;
  std::set<int> connections;
  std::set<int> streams;
  for (const Request& r : requests) {
    paths.insert(r.path);
    connections.insert(r.connection);
    streams.insert(r.stream);
  }
  CHECK(paths == std::multiset<std::string>{"/robots.txt", "/", "/more.html", "/p/lamp.html",
                                            "/p/chair.html", "/p/desk.html", "/p/rug.html"});
  CHECK(connections.size() == 1);
  CHECK(streams.size() == requests.size());
  CHECK(Count(log, "The negotiated protocol: h2") == 1);
}

TEST_CASE("without --ca-file a self-signed server is not trusted and nothing is fetched") {
  TempDir dir;
  MakeCertificate(dir);
  WriteSite(dir / "site");
  Nghttpd server(dir);
  std::string job = WriteJob(dir, "shop.yaml", ShopJob(server, "shop", /*robots=*/false));

  // A CA file that does not exist is bad usage, caught before anything runs.
  ProcessResult missing =
      Gleaner({"crawl", job, "--data", dir / "data", "--ca-file", dir / "no-such.pem"});
  CHECK(missing.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "data"));

  ProcessResult run = Gleaner({"crawl", job, "--data", dir / "data"});
  std::string log = server.StopAndLog();
  INFO(run.err);
  REQUIRE(run.exit_code == 1);  // no page fetched
  CHECK(run.out.find(" 0 pages") != std::string::npos);
  CHECK(run.err.find("no page fetched: 1 URL failed: 1 tls (SSL certificate problem") !=
        std::string::npos);
  CHECK(DumpRecords(dir / "data", "shop").empty());

  // The seed fails on verification, once: a certificate that is not trusted
  // will not become trusted by asking again.
  nlohmann::json errors = StageErrors(dir / "data", "shop");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0]["url"] == server.BaseUrl() + "/");
  CHECK(errors[0]["kind"] == "ERROR_TLS");
  CHECK(errors[0]["curl_code"] == 60);  // CURLE_PEER_FAILED_VERIFICATION
  CHECK(errors[0]["message"].get<std::string>().starts_with("SSL certificate problem: "));
  CHECK(errors[0]["attempts"] == 1);
  INFO(log);
  CHECK(Requests(log).empty());
}
