// The SSRF policy: every host a job names is checked with the crawler's
// address classifier (whose table crawler/fetch/private_address_test covers).
// IP literals only, so no test depends on DNS.
#include "service/security/network_policy.h"

#include <catch2/catch.hpp>

#include "crawler/job/job_parser.h"

using namespace gleaner;

namespace {

crawler::JobConfig Job(const std::string& sources) {
  crawler::JobConfig job;
  Status s = crawler::ParseJobYaml("name: j\nsources:\n" + sources, "job.yaml", &job);
  INFO(s.message());
  REQUIRE(s.ok());
  return job;
}

}  // namespace

TEST_CASE("a host is checked by every address it resolves to") {
  CHECK(service::CheckPublicHost("93.184.216.34", "http://93.184.216.34/").ok());
  Status s = service::CheckPublicHost("127.0.0.1", "http://127.0.0.1:8080/a");
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("http://127.0.0.1:8080/a") != std::string::npos);
  CHECK(service::CheckPublicHost("localhost", "http://localhost/").IsInvalidArgument());
}

TEST_CASE("every seed, sitemap, API URL and scope domain of a job is checked") {
  CHECK(service::CheckJobTargetsPublic(
            Job("  - kind: html\n    seeds: [\"http://93.184.216.34/\"]\n"))
            .ok());
  Status seed = service::CheckJobTargetsPublic(
      Job("  - kind: html\n    seeds: [\"http://93.184.216.34/\", \"http://10.0.0.5:81/x\"]\n"));
  CHECK(seed.message().find("http://10.0.0.5:81/x") != std::string::npos);
  Status api = service::CheckJobTargetsPublic(
      Job("  - kind: json\n    url: \"http://[::1]:9000/api?page=1\"\n"));
  CHECK(api.message().find("http://[::1]:9000/api?page=1") != std::string::npos);
  Status sitemap = service::CheckJobTargetsPublic(
      Job("  - kind: html\n    seeds: [\"http://93.184.216.34/\"]\n"
          "    sitemaps: [\"http://169.254.169.254/sitemap.xml\"]\n"));
  CHECK(sitemap.message().find("http://169.254.169.254/sitemap.xml") != std::string::npos);
  Status domain =
      service::CheckJobTargetsPublic(Job("  - kind: html\n    seeds: [\"http://93.184.216.34/\"]\n"
                                         "    scope: {domains: [93.184.216.34, 192.168.0.10]}\n"));
  CHECK(domain.message().find("scope domain 192.168.0.10") != std::string::npos);
}

TEST_CASE("seeds at multicast, broadcast, benchmarking or IPv6-embedded loopback are refused") {
  for (const char* url :
       {"http://224.0.0.1/", "http://255.255.255.255/", "http://198.18.0.1/", "http://192.0.0.8/",
        "http://240.0.0.1/", "http://[ff02::1]/", "http://[64:ff9b::127.0.0.1]/",
        "http://[2002:7f00:1::]/", "http://[::ffff:127.0.0.1]:8080/", "http://[2001:db8::1]/"}) {
    INFO(url);
    Status s = service::CheckJobTargetsPublic(
        Job("  - kind: html\n    seeds: [\"" + std::string(url) + "\"]\n"));
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find(url) != std::string::npos);
  }
}
