#include "crawler/fetch/private_address.h"

#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace gleaner::crawler {

namespace {

// One block of an address family: the first `prefix_bits` of `prefix` (network
// byte order, IPv4 in the first four bytes) must match.
struct Block {
  uint8_t prefix[16];
  int prefix_bits;
};

bool InBlock(const uint8_t* address, const Block& block) {
  const int whole = block.prefix_bits / 8;
  const int rest = block.prefix_bits % 8;
  if (std::memcmp(address, block.prefix, whole) != 0) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (address[whole] & mask) == (block.prefix[whole] & mask);
}

struct V4Range {
  Block block;
  const char* name;
};

// IANA IPv4 Special-Purpose Address Registry, plus multicast and the reserved
// class E space, which that registry leaves to others.
constexpr V4Range kV4Ranges[] = {
    {{{0, 0, 0, 0}, 8}, "\"this network\" (0.0.0.0/8)"},
    {{{10, 0, 0, 0}, 8}, "private (10.0.0.0/8)"},
    {{{100, 64, 0, 0}, 10}, "shared address space (100.64.0.0/10)"},
    {{{127, 0, 0, 0}, 8}, "loopback (127.0.0.0/8)"},
    {{{169, 254, 0, 0}, 16}, "link-local (169.254.0.0/16)"},
    {{{172, 16, 0, 0}, 12}, "private (172.16.0.0/12)"},
    {{{192, 0, 0, 0}, 24}, "IETF protocol assignments (192.0.0.0/24)"},
    {{{192, 0, 2, 0}, 24}, "documentation (192.0.2.0/24)"},
    {{{192, 88, 99, 0}, 24}, "6to4 relay anycast (192.88.99.0/24)"},
    {{{192, 168, 0, 0}, 16}, "private (192.168.0.0/16)"},
    {{{198, 18, 0, 0}, 15}, "benchmarking (198.18.0.0/15)"},
    {{{198, 51, 100, 0}, 24}, "documentation (198.51.100.0/24)"},
    {{{203, 0, 113, 0}, 24}, "documentation (203.0.113.0/24)"},
    {{{224, 0, 0, 0}, 4}, "multicast (224.0.0.0/4)"},
    // 240.0.0.0/4 holds the limited broadcast address 255.255.255.255.
    {{{240, 0, 0, 0}, 4}, "reserved (240.0.0.0/4)"},
};

// What an IPv6 range means for the crawler: refused whole, or decided by the
// IPv4 address it embeds at `v4_offset`.
struct V6Range {
  Block block;
  const char* name;
  int v4_offset;  // -1: refused whole
};

// IANA IPv6 Special-Purpose Address Registry, plus the deprecated site-local
// block and multicast. Listed first are those that embed IPv4 addresses.
constexpr V6Range kV6Ranges[] = {
    {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 96}, "IPv4-mapped (::ffff:0:0/96)", 12},
    {{{0, 0x64, 0xFF, 0x9B}, 96}, "NAT64 (64:ff9b::/96)", 12},
    {{{0x20, 0x02}, 16}, "6to4 (2002::/16)", 2},
    {{{}, 128}, "unspecified (::)", -1},
    {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128}, "loopback (::1)", -1},
    {{{0, 0x64, 0xFF, 0x9B, 0, 1}, 48}, "local-use NAT64 (64:ff9b:1::/48)", -1},
    {{{0x01, 0x00}, 64}, "discard-only (100::/64)", -1},
    // Teredo (2001::/32) and a few global anycast blocks are in here too.
    {{{0x20, 0x01, 0x00, 0x00}, 23}, "IETF protocol assignments (2001::/23)", -1},
    {{{0x20, 0x01, 0x0D, 0xB8}, 32}, "documentation (2001:db8::/32)", -1},
    {{{0x3F, 0xFF, 0x00}, 20}, "documentation (3fff::/20)", -1},
    {{{0xFC}, 7}, "unique-local (fc00::/7)", -1},
    {{{0xFE, 0x80}, 10}, "link-local (fe80::/10)", -1},
    {{{0xFE, 0xC0}, 10}, "site-local (fec0::/10)", -1},
    {{{0xFF}, 8}, "multicast (ff00::/8)", -1},
};

// Global unicast IPv6: everything else (IPv4-compatible ::a.b.c.d, the
// reserved and unassigned space) is not on the public internet.
constexpr Block kV6GlobalUnicast = {{0x20}, 3};

const char* NonPublicV4(const uint8_t* address) {
  for (const V4Range& range : kV4Ranges) {
    if (InBlock(address, range.block)) return range.name;
  }
  return nullptr;
}

const char* NonPublicV6(const uint8_t* address) {
  for (const V6Range& range : kV6Ranges) {
    if (!InBlock(address, range.block)) continue;
    // An embedding range is as public as the IPv4 address it leads to.
    return range.v4_offset < 0 ? range.name : NonPublicV4(address + range.v4_offset);
  }
  if (!InBlock(address, kV6GlobalUnicast)) return "outside global unicast (2000::/3)";
  return nullptr;
}

}  // namespace

const char* NonPublicRange(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in*>(addr)->sin_addr;
    return NonPublicV4(reinterpret_cast<const uint8_t*>(&in.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    return NonPublicV6(reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr.s6_addr);
  }
  return "not an IPv4 or IPv6 address";
}

bool IsPrivateAddress(const sockaddr* addr) { return NonPublicRange(addr) != nullptr; }

}  // namespace gleaner::crawler
