// Which hosts a job submitted over the network may crawl. A server reachable
// by others must not become a proxy into its own network (SSRF), so unless
// private networks are allowed every seed, sitemap, API URL and scope domain
// must resolve only to public addresses. Pure functions apart from DNS
// lookups (getaddrinfo); thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "crawler/job/job_config.h"

namespace gleaner::service {

// InvalidArgument naming `what` (a URL or domain) when `host` resolves to an
// address that is not public (crawler::NonPublicRange, the classifier the
// crawl also checks every connection with) or does not resolve at all.
Status CheckPublicHost(const std::string& host, const std::string& what);

// Checks every host the job names (seeds, sitemaps, JSON URLs, scope domains).
// Resolution happens now; a name whose DNS answer changes later is not caught
// here: the crawl itself refuses to connect to private addresses
// (CrawlOptions::public_networks_only).
Status CheckJobTargetsPublic(const crawler::JobConfig& job);

}  // namespace gleaner::service
