#include "ingest/service/network_policy.h"

#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

#include "crawler/url/url_normalizer.h"

namespace gleaner::service {

namespace {

bool IsPrivateV4(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  return in(0x00000000, 8) || in(0x7F000000, 8) || in(0x0A000000, 8) || in(0xAC100000, 12) ||
         in(0xC0A80000, 16) || in(0xA9FE0000, 16) || in(0x64400000, 10);
}

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

bool IsPrivateAddress(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    return IsPrivateV4(ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr));
  }
  if (addr->sa_family != AF_INET6) return true;  // unknown families are not trusted
  const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr;
  const uint8_t* b = a.s6_addr;
  if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a)) return true;
  if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10
  if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a)) {
    uint32_t v4 =
        (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    return IsPrivateV4(v4);
  }
  return false;
}

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
    if (IsPrivateAddress(ai->ai_addr)) {
      return Status::InvalidArgument(
          what + " targets a loopback, private or link-local address (" + host +
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
