#include "service/security/network_policy.h"

#include <netdb.h>

#include <cstring>
#include <memory>

#include "crawler/fetch/private_address.h"
#include "crawler/url/url_normalizer.h"

namespace gleaner::service {

namespace {

// The host of a URL in normal form: HostKey is "scheme://host:port".
std::string HostOf(const std::string& url) {
  std::string normalized;
  if (!crawler::NormalizeUrl(url, {}, &normalized).ok()) return "";
  std::string key = crawler::HostKey(normalized);
  size_t start = key.find("://");
  size_t colon = key.rfind(':');
  if (start == std::string::npos || colon == std::string::npos || colon < start + 3) return "";
  std::string host = key.substr(start + 3, colon - start - 3);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

Status CheckUrl(const std::string& url) {
  std::string host = HostOf(url);
  if (host.empty()) return Status::InvalidArgument("cannot read the host of " + url);
  return CheckPublicHost(host, url);
}

}  // namespace

Status CheckPublicHost(const std::string& host, const std::string& what) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  if (rc != 0) {
    return Status::InvalidArgument(what + ": cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(raw, &freeaddrinfo);
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    if (const char* range = crawler::NonPublicRange(ai->ai_addr)) {
      return Status::InvalidArgument(
          what + " targets an address that is not public (" + host + " is in " + range +
          "); the server refuses those unless it runs with --allow-private-networks");
    }
  }
  return Status::OK();
}

Status CheckJobTargetsPublic(const crawler::JobConfig& job) {
  for (const auto& src : job.sources) {
    for (const auto& url : src.seeds) GLEANER_RETURN_IF_ERROR(CheckUrl(url));
    for (const auto& url : src.sitemaps) GLEANER_RETURN_IF_ERROR(CheckUrl(url));
    if (!src.url.empty()) GLEANER_RETURN_IF_ERROR(CheckUrl(src.url));
    for (const auto& domain : src.scope.domains) {
      GLEANER_RETURN_IF_ERROR(CheckPublicHost(domain, "scope domain " + domain));
    }
  }
  return Status::OK();
}

}  // namespace gleaner::service
