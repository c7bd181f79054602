// Which addresses a crawl restricted to public networks must not reach: a
// crawler run for others must not become a proxy into the network it runs in
// (SSRF). This is the one address classifier for every target, checked at
// submit time (service/security/network_policy) and at connect time
// (HttpFetcher). Pure functions over a constant table; thread-safe.
#pragma once

#include <sys/socket.h>

namespace gleaner::crawler {

// The name of the non-public range `addr` lies in (e.g. "loopback",
// "multicast"), or nullptr for a global unicast address. Ranges are the IANA
// IPv4 and IPv6 special-purpose address registries, conservatively: a block
// is refused whole even where it holds a few global anycast addresses
// (192.0.0.0/24, 2001::/23), and IPv6 outside 2000::/3 is refused unless it
// embeds an IPv4 address (::ffff:0:0/96, 64:ff9b::/96), which is then
// classified instead; 6to4 (2002::/16) is refused when its embedded IPv4 is.
// Families other than IPv4 and IPv6 are refused too.
const char* NonPublicRange(const sockaddr* addr);

// NonPublicRange(addr) != nullptr.
bool IsPrivateAddress(const sockaddr* addr);

}  // namespace gleaner::crawler
