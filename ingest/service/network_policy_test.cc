// The SSRF policy: which addresses count as private, and that every host a
// job names is checked. IP literals only, so no test depends on DNS.
#include "ingest/service/network_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>

#include "crawler/fetch/private_address.h"
#include "crawler/job/job_parser.h"

using namespace gleaner;

namespace {

bool Private(const std::string& ip) {
  sockaddr_storage ss{};
  if (inet_pton(AF_INET, ip.c_str(), &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
    ss.ss_family = AF_INET;
  } else {
    REQUIRE(inet_pton(AF_INET6, ip.c_str(), &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr) == 1);
    ss.ss_family = AF_INET6;
  }
  return crawler::IsPrivateAddress(reinterpret_cast<sockaddr*>(&ss));
}

crawler::JobConfig Job(const std::string& sources) {
  crawler::JobConfig job;
  Status s = crawler::ParseJobYaml("name: j\nsources:\n" + sources, "job.yaml", &job);
  INFO(s.message());
  REQUIRE(s.ok());
  return job;
}

}  // namespace

TEST_CASE("loopback, private, link-local and unique-local addresses are private") {
  for (const char* ip :
       {"127.0.0.1", "127.255.0.9", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254",
        "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1", "::", "fc00::1",
        "fdff::2", "fe80::1", "febf::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3"}) {
    INFO(ip);
    CHECK(Private(ip));
  }
}

TEST_CASE("public addresses, including the neighbours of private ranges, are not") {
  for (const char* ip : {"8.8.8.8", "93.184.216.34", "172.15.255.255", "172.32.0.1", "192.169.0.1",
                         "169.253.255.255", "11.0.0.1", "126.255.255.255", "128.0.0.1",
                         "2001:db8::1", "2606:4700::1111", "fec0::1", "::ffff:8.8.8.8"}) {
    INFO(ip);
    CHECK_FALSE(Private(ip));
  }
}

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
