// The address classifier against the IANA special-purpose registries: for
// every range its first, last and an inner address are refused, and its
// neighbours just outside are not (unless they belong to another range).
#include "crawler/fetch/private_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <catch2/catch.hpp>
#include <string>

using namespace gleaner;

namespace {

sockaddr_storage Address(const std::string& ip) {
  sockaddr_storage ss{};
  if (inet_pton(AF_INET, ip.c_str(), &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
    ss.ss_family = AF_INET;
  } else {
    INFO(ip);
    REQUIRE(inet_pton(AF_INET6, ip.c_str(), &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr) == 1);
    ss.ss_family = AF_INET6;
  }
  return ss;
}

const char* RangeOf(const std::string& ip) {
  const sockaddr_storage ss = Address(ip);
  return crawler::NonPublicRange(reinterpret_cast<const sockaddr*>(&ss));
}

bool Private(const std::string& ip) {
  const sockaddr_storage ss = Address(ip);
  return crawler::IsPrivateAddress(reinterpret_cast<const sockaddr*>(&ss));
}

// A range and addresses at its edges; an empty neighbour lies in another
// refused range (or does not exist), so there is nothing public to check.
struct RangeCase {
  const char* range;
  const char* first;
  const char* last;
  const char* inside;
  const char* below;
  const char* above;
};

constexpr RangeCase kRefusedRanges[] = {
    {"0.0.0.0/8", "0.0.0.0", "0.255.255.255", "0.1.2.3", "", "1.0.0.0"},
    {"10.0.0.0/8", "10.0.0.0", "10.255.255.255", "10.1.2.3", "9.255.255.255", "11.0.0.0"},
    {"100.64.0.0/10", "100.64.0.0", "100.127.255.255", "100.100.1.1", "100.63.255.255",
     "100.128.0.0"},
    {"127.0.0.0/8", "127.0.0.0", "127.255.255.255", "127.0.0.1", "126.255.255.255", "128.0.0.0"},
    {"169.254.0.0/16", "169.254.0.0", "169.254.255.255", "169.254.169.254", "169.253.255.255",
     "169.255.0.0"},
    {"172.16.0.0/12", "172.16.0.0", "172.31.255.255", "172.20.0.1", "172.15.255.255", "172.32.0.0"},
    {"192.0.0.0/24", "192.0.0.0", "192.0.0.255", "192.0.0.9", "191.255.255.255", "192.0.1.0"},
    {"192.0.2.0/24", "192.0.2.0", "192.0.2.255", "192.0.2.1", "192.0.1.255", "192.0.3.0"},
    {"192.88.99.0/24", "192.88.99.0", "192.88.99.255", "192.88.99.1", "192.88.98.255",
     "192.88.100.0"},
    {"192.168.0.0/16", "192.168.0.0", "192.168.255.255", "192.168.1.1", "192.167.255.255",
     "192.169.0.0"},
    {"198.18.0.0/15", "198.18.0.0", "198.19.255.255", "198.18.200.1", "198.17.255.255",
     "198.20.0.0"},
    {"198.51.100.0/24", "198.51.100.0", "198.51.100.255", "198.51.100.7", "198.51.99.255",
     "198.51.101.0"},
    {"203.0.113.0/24", "203.0.113.0", "203.0.113.255", "203.0.113.7", "203.0.112.255",
     "203.0.114.0"},
    {"224.0.0.0/4", "224.0.0.0", "239.255.255.255", "224.0.0.251", "223.255.255.255", ""},
    {"240.0.0.0/4 and broadcast", "240.0.0.0", "255.255.255.255", "250.1.2.3", "", ""},
    {"::/128", "::", "::", "::", "", ""},
    {"::1/128", "::1", "::1", "::1", "", ""},
    {"IPv4-compatible ::/96", "::2", "::ffff:ffff", "::8.8.8.8", "", ""},
    {"::ffff:0:0/96 embedding 10.0.0.0/8", "::ffff:10.0.0.0", "::ffff:10.255.255.255",
     "::ffff:10.1.2.3", "::ffff:9.255.255.255", "::ffff:11.0.0.0"},
    {"64:ff9b::/96 embedding 0.0.0.0/8", "64:ff9b::", "64:ff9b::0.255.255.255", "64:ff9b::0.1.2.3",
     "", "64:ff9b::1.0.0.0"},
    {"64:ff9b::/96 embedding 127.0.0.0/8", "64:ff9b::127.0.0.0", "64:ff9b::127.255.255.255",
     "64:ff9b::127.0.0.1", "64:ff9b::126.255.255.255", "64:ff9b::128.0.0.0"},
    {"64:ff9b:1::/48", "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "64:ff9b:1::8.8.8.8",
     "", ""},
    {"100::/64", "100::", "100::ffff:ffff:ffff:ffff", "100::1", "", ""},
    {"2001::/23 (Teredo included)", "2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
     "2001:0:4136:e378:8000:63bf:3fff:fdd2", "", "2001:200::"},
    {"2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1",
     "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"},
    {"2002::/16 embedding 0.0.0.0/8", "2002::", "2002:ff:ffff:ffff:ffff:ffff:ffff:ffff",
     "2002:1::", "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2002:100::"},
    {"2002::/16 embedding 192.168.0.0/16", "2002:c0a8::", "2002:c0a8:ffff:ffff:ffff:ffff:ffff:ffff",
     "2002:c0a8:101::1", "2002:c0a7:ffff:ffff:ffff:ffff:ffff:ffff", "2002:c0a9::"},
    {"3fff::/20", "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff::1",
     "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"},
    {"fc00::/7", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd12::1", "", ""},
    {"fe80::/10", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1", "", ""},
    {"fec0::/10", "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::1", "", ""},
    {"ff00::/8", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff02::1", "", ""},
    {"outside 2000::/3", "4000::", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5f00::1",
     "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""},
};

}  // namespace

TEST_CASE("every special-purpose range is refused at its edges and inside, not beyond") {
  for (const RangeCase& c : kRefusedRanges) {
    INFO(c.range);
    for (const char* ip : {c.first, c.last, c.inside}) {
      INFO(ip);
      CHECK(Private(ip));
    }
    for (const char* ip : {c.below, c.above}) {
      if (*ip == '\0') continue;
      INFO(ip << " (just outside)");
      CHECK_FALSE(Private(ip));
    }
  }
}

TEST_CASE("global unicast addresses, direct or embedded, are public") {
  for (const char* ip : {"8.8.8.8", "93.184.216.34", "1.1.1.1", "223.255.255.255", "192.0.3.1",
                         "2606:4700::1111", "2a00:1450:4001::200e", "2000::", "::ffff:8.8.8.8",
                         "64:ff9b::8.8.8.8", "2002:0808:0808::1"}) {
    INFO(ip);
    CHECK(RangeOf(ip) == nullptr);
  }
}

TEST_CASE("a refusal names the range, the embedded IPv4 one for embedding forms") {
  CHECK(std::string(RangeOf("224.0.0.1")) == "multicast (224.0.0.0/4)");
  CHECK(std::string(RangeOf("64:ff9b::7f00:1")) == "loopback (127.0.0.0/8)");
  CHECK(std::string(RangeOf("2002:7f00:0001::")) == "loopback (127.0.0.0/8)");
  CHECK(std::string(RangeOf("::ffff:169.254.169.254")) == "link-local (169.254.0.0/16)");
}

TEST_CASE("families other than IPv4 and IPv6 are refused") {
  sockaddr unix_socket{};
  unix_socket.sa_family = AF_UNIX;
  CHECK(crawler::IsPrivateAddress(&unix_socket));
}
