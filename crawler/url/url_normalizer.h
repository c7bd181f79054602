// URL normalisation for the crawler: resolves links against their page and
// rewrites every URL into one canonical spelling, so that equivalent URLs get
// the same frontier key, host key and fingerprint. Parsing is libcurl's URL API,
// loaded by the first call (common/curl_library.h): where libcurl cannot be
// loaded, each function returning a Status returns that IOError. All functions
// are pure and safe to call from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct Curl_URL;  // libcurl's CURLU

namespace gleaner::crawler {

// Longest URL accepted, before and after normalisation.
inline constexpr size_t kMaxUrlBytes = 8 * 1024;

struct NormalizeOptions {
  // Drop analytics parameters that never change the page (utm_*, gclid,
  // fbclid, msclkid, mc_cid, mc_eid, _ga, yclid), keeping the others in order.
  bool strip_tracking_params = true;
};

// The normal form is http(s) only; lower-case scheme and host; IDN hosts in
// punycode (UTS #46, libidn2); no default port; no fragment; no dot segments;
// percent-encoding with upper-case hex, unreserved characters decoded and
// everything a userinfo, path or query may not hold literally encoded; "/" for
// an empty path; no empty "?". Surrounding whitespace is trimmed and
// tabs/newlines inside are removed, as browsers do for href values. Any other
// scheme, a relative URL, one over kMaxUrlBytes, an invalid IDN, or a host
// spelled (once decoded) with anything but letters, digits, '-', '_' and '.'
// (or an IP literal) is InvalidArgument. The normal form is a fixed point:
// normalising it again gives it back, with the same parts.
Status NormalizeUrl(std::string_view absolute, const NormalizeOptions& options, std::string* out);

// A URL in normal form with the parts the crawler keys on, all taken from the
// one parse that produced it, so callers need not parse the URL again.
struct NormalizedUrl {
  std::string url;             // the normal form
  std::string host_key;        // HostKey(url): "scheme://host:port", port explicit
  std::string host;            // lower-case (punycode) host without port, as scopes match it
  std::string path_and_query;  // PathAndQuery(url)
};

// As above, also filling in the parts.
Status NormalizeUrl(std::string_view absolute, const NormalizeOptions& options, NormalizedUrl* out);

// Resolves the links of one page against its base URL, which is cleaned and
// parsed once in Make rather than once per link. Resolve is const and gives
// exactly what ResolveUrl(base, ref, options) gives. A link that is a path
// is resolved once per thread and base directory: each thread remembers up
// to 4096 of them (about 2 MiB), forgetting all when full.
class LinkResolver {
 public:
  // InvalidArgument when `base` is not an absolute http(s) URL.
  static Status Make(std::string_view base, const NormalizeOptions& options, LinkResolver* out);

  // Resolves `ref` (an href as written: absolute, scheme-relative, path, "?q",
  // "#frag" or empty) against the base per RFC 3986 section 5, then normalises
  // the result, so NormalizeUrl gives `out` back unchanged. FailedPrecondition
  // on a resolver that Make did not fill.
  Status Resolve(std::string_view ref, NormalizedUrl* out) const;

 private:
  struct HandleDeleter {
    void operator()(Curl_URL* handle) const;
  };

  std::unique_ptr<Curl_URL, HandleDeleter> base_;
  NormalizeOptions options_;
  std::string directory_;  // the base up to its path's last '/'; empty: nothing cached
};

// Resolves `ref` against `base` (the page URL, or its <base href> already
// resolved by the caller) as LinkResolver does; for a single link.
Status ResolveUrl(std::string_view base, std::string_view ref, const NormalizeOptions& options,
                  std::string* out);

// The following take a URL in normal form (from NormalizeUrl or ResolveUrl)
// and return an empty string if it cannot be parsed (or libcurl cannot be loaded).

// "scheme://host:port" with the port always explicit: the per-host politeness key.
std::string HostKey(std::string_view normalized_url);

// The path and, if present, "?query": what robots.txt rules are matched against.
std::string PathAndQuery(std::string_view normalized_url);

// 64-bit XXH3 of the normalised URL: the frontier's dedup key.
uint64_t UrlFingerprint(std::string_view normalized_url);

}  // namespace gleaner::crawler
