// Which hosts a job submitted over the network may crawl. A server reachable
// by others must not become a proxy into its own network (SSRF), so unless
// private networks are allowed every seed, sitemap, API URL and scope domain
// must resolve only to public addresses. Pure functions apart from DNS
// lookups (getaddrinfo); thread-safe.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "common/status.h"
#include "crawler/job/job_config.h"

namespace gleaner::service {

// Loopback, private, link-local, unspecified and unique-local addresses:
// 0.0.0.0/8, 127.0.0.0/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10,
// ::, ::1, fc00::/7, fe80::/10, and IPv4-mapped forms of the IPv4 ranges.
bool IsPrivateAddress(const sockaddr* addr);

// InvalidArgument naming `what` (a URL or domain) when `host` resolves to a
// private address or does not resolve at all.
Status CheckPublicHost(const std::string& host, const std::string& what);

// Checks every host the job names (seeds, sitemaps, JSON URLs, scope domains).
// Resolution happens now; a name whose DNS answer changes later is not caught
// here, which is why the check is a policy at submit time and not a sandbox.
Status CheckJobTargetsPublic(const crawler::JobConfig& job);

}  // namespace gleaner::service
