// Which addresses a crawl restricted to public networks must not reach: a
// crawler run for others must not become a proxy into the network it runs in
// (SSRF). Pure function; thread-safe.
#pragma once

#include <sys/socket.h>

namespace gleaner::crawler {

// Loopback, private, link-local, unspecified and unique-local addresses:
// 0.0.0.0/8, 127.0.0.0/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10,
// ::, ::1, fc00::/7, fe80::/10, and IPv4-mapped forms of the IPv4 ranges.
// Families other than IPv4 and IPv6 count as private.
bool IsPrivateAddress(const sockaddr* addr);

}  // namespace gleaner::crawler
