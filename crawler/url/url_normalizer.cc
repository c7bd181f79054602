#include "crawler/url/url_normalizer.h"

#include <curl/curl.h>
#include <idn2.h>
#include <xxhash.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <unordered_map>

#include "common/curl_library.h"
#include "crawler/url/percent_encoding.h"

namespace gleaner::crawler {
namespace {

// A handle exists only once libcurl has loaded, so its deleter finds it loaded.
void CleanupHandle(CURLU* url) {
  const CurlLibrary* curl = nullptr;
  if (SharedCurl(&curl).ok()) curl->url_cleanup(url);
}

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { CleanupHandle(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLowered(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), AsciiLower);
  return lowered;
}

// Error messages quote the offending URL, but not all 8 KiB of it.
std::string Quoted(std::string_view url) {
  constexpr size_t kShown = 200;
  if (url.size() <= kShown) return "'" + std::string(url) + "'";
  return "'" + std::string(url.substr(0, kShown)) + "...'";
}

// Trims surrounding whitespace and control bytes and drops tabs and newlines
// inside (as browsers do for href values), then fixes the spelling of escapes
// so that libcurl sees "%2e%2e" as the dot segment it is.
Status CleanInput(std::string_view raw, std::string_view what, std::string* cleaned) {
  auto is_blank = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!raw.empty() && is_blank(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_blank(raw.back())) raw.remove_suffix(1);
  if (raw.size() > kMaxUrlBytes) {
    return Status::InvalidArgument(std::string(what) + " " + Quoted(raw) + " is longer than " +
                                   std::to_string(kMaxUrlBytes) + " bytes");
  }
  std::string compact;
  compact.reserve(raw.size());
  std::copy_if(raw.begin(), raw.end(), std::back_inserter(compact),
               [](char c) { return c != '\t' && c != '\n' && c != '\r'; });
  *cleaned = NormalizePercentEncoding(compact, EncodeSet::kSpaceAndControls);
  return Status::OK();
}

// The scheme of `url` if it starts with one (RFC 3986 section 3.1), lower-cased.
std::optional<std::string> SchemeOf(std::string_view url) {
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (url.empty() || !is_alpha(url.front())) return std::nullopt;
  for (size_t i = 1; i < url.size(); ++i) {
    const char c = url[i];
    if (c == ':') return AsciiLowered(url.substr(0, i));
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') break;
  }
  return std::nullopt;
}

bool IsHttpScheme(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

Status CheckHttpScheme(std::string_view scheme, std::string_view what, std::string_view url) {
  if (IsHttpScheme(scheme)) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " " + Quoted(url) + " has scheme '" +
                                 std::string(scheme) + "'; only http and https are crawled");
}

Status SetUrl(const CurlLibrary& curl, CURLU* handle, const std::string& url,
              std::string_view what) {
  const CURLUcode rc = curl.url_set(handle, CURLUPART_URL, url.c_str(), 0);
  if (rc == CURLUE_OK) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " " + Quoted(url) +
                                 " is not a valid URL: " + curl.url_strerror(rc));
}

// Parses an absolute http(s) URL that has already been cleaned.
Status ParseAbsolute(const CurlLibrary& curl, const std::string& url, std::string_view what,
                     CurlUrl* handle) {
  const std::optional<std::string> scheme = SchemeOf(url);
  if (!scheme) {
    return Status::InvalidArgument(std::string(what) + " " + Quoted(url) +
                                   " is not absolute (it has no scheme)");
  }
  GLEANER_RETURN_IF_ERROR(CheckHttpScheme(*scheme, what, url));
  handle->reset(curl.url());
  if (!*handle) return Status::Aborted("out of memory allocating a URL handle");
  return SetUrl(curl, handle->get(), url, what);
}

// Fetches one part of a parsed URL; false when the URL has no such part.
bool GetPart(const CurlLibrary& curl, CURLU* handle, CURLUPart part, unsigned flags,
             std::string* out) {
  char* value = nullptr;
  if (curl.url_get(handle, part, &value, flags) != CURLUE_OK) return false;
  out->assign(value);
  curl.free(value);
  return true;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A non-ASCII host in punycode by UTS #46, as libcurl 7.88 converts it:
// non-transitional, then transitional for names only IDNA2003 accepted. Done
// here because curl_url_get(CURLU_PUNYCODE) leaks the host on every name it
// cannot convert; and idn2_lookup_u8 reads UTF-8 whatever the locale is.
Status PunycodeHost(const std::string& host, std::string* ascii) {
  const auto* input = reinterpret_cast<const uint8_t*>(host.c_str());
  uint8_t* converted = nullptr;
  int rc = idn2_lookup_u8(input, &converted, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  if (rc != IDN2_OK) rc = idn2_lookup_u8(input, &converted, IDN2_TRANSITIONAL);
  if (rc != IDN2_OK) {
    return Status::InvalidArgument(
        "host " + Quoted(host) +
        " is not a valid internationalised domain name: " + idn2_strerror(rc));
  }
  ascii->assign(reinterpret_cast<const char*>(converted));
  idn2_free(converted);
  return Status::OK();
}

// What a host name in normal form is spelled with: letters, digits, '-', '.'
// and '_' (not allowed by RFC 1123 yet found in real names). Anything else,
// including a '%' that libcurl's decoding of the host left behind, would be
// read differently when the URL is parsed again.
bool IsHostNameByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// The host in normal form: lower-case, punycode for IDN, and only bytes that
// parse back to the same host. libcurl has already percent-decoded it and
// spelled IPv4 and bracketed IPv6 literals canonically.
Status CanonicalHost(const CurlLibrary& curl, CURLU* handle, std::string* host) {
  std::string raw;
  GetPart(curl, handle, CURLUPART_HOST, 0, &raw);
  if (raw.starts_with('[')) {
    *host = AsciiLowered(raw);
    return Status::OK();
  }
  std::string ascii;
  if (IsAscii(raw)) {
    ascii = AsciiLowered(raw);
  } else {
    GLEANER_RETURN_IF_ERROR(PunycodeHost(raw, &ascii));
  }
  if (ascii.empty())
    return Status::InvalidArgument("host " + Quoted(raw) + " is empty once mapped to ASCII");
  if (!std::all_of(ascii.begin(), ascii.end(), IsHostNameByte)) {
    return Status::InvalidArgument("host " + Quoted(raw) +
                                   " is not a host name: only letters, digits, '-', '_' and '.' "
                                   "may spell one");
  }
  *host = std::move(ascii);
  return Status::OK();
}

bool IsTrackingParam(std::string_view name) {
  static constexpr std::string_view kTrackingNames[] = {"gclid",  "fbclid", "msclkid", "mc_cid",
                                                        "mc_eid", "_ga",    "yclid"};
  return name.starts_with("utm_") || std::find(std::begin(kTrackingNames), std::end(kTrackingNames),
                                               name) != std::end(kTrackingNames);
}

// Keeps the other parameters in their order; empty ones ("a=1&&b=2") go too.
std::string StripTrackingParams(std::string_view query) {
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    if (!param.empty() && !IsTrackingParam(param.substr(0, param.find('=')))) {
      if (!kept.empty()) kept += '&';
      kept += param;
    }
    start = end + 1;
  }
  return kept;
}

// Assembles the normal form and its key parts from the parts libcurl parsed.
Status Canonicalize(const CurlLibrary& curl, CURLU* handle, const NormalizeOptions& options,
                    NormalizedUrl* out) {
  std::string scheme;
  GetPart(curl, handle, CURLUPART_SCHEME, 0, &scheme);
  scheme = AsciiLowered(scheme);
  if (!IsHttpScheme(scheme)) {
    // Only the error message needs the whole URL, so only then is it fetched.
    std::string full;
    GetPart(curl, handle, CURLUPART_URL, 0, &full);
    return CheckHttpScheme(scheme, "URL", full);
  }

  std::string host;
  GLEANER_RETURN_IF_ERROR(CanonicalHost(curl, handle, &host));

  const std::string_view default_port = scheme == "http" ? "80" : "443";
  std::string port;  // empty unless explicit and not the default
  if (GetPart(curl, handle, CURLUPART_PORT, 0, &port) && port == default_port) port.clear();

  std::string user, password;
  const bool has_user = GetPart(curl, handle, CURLUPART_USER, 0, &user);
  const bool has_password = GetPart(curl, handle, CURLUPART_PASSWORD, 0, &password);
  user = NormalizePercentEncoding(user, EncodeSet::kUserinfo);
  password = NormalizePercentEncoding(password, EncodeSet::kUserinfo);

  std::string path;
  GetPart(curl, handle, CURLUPART_PATH, 0, &path);
  path = NormalizePercentEncoding(path, EncodeSet::kPath);
  if (path.empty()) path = "/";

  std::string query;
  GetPart(curl, handle, CURLUPART_QUERY, 0, &query);
  query = NormalizePercentEncoding(query, EncodeSet::kPathAndQuery);
  if (options.strip_tracking_params) query = StripTrackingParams(query);

  NormalizedUrl result;
  result.path_and_query = std::move(path);
  if (!query.empty()) result.path_and_query += "?" + query;

  result.url = scheme + "://";
  if (has_user || has_password) {
    result.url += user;
    if (has_password) result.url += ":" + password;
    result.url += "@";
  }
  result.url += host;
  if (!port.empty()) result.url += ":" + port;
  result.url += result.path_and_query;
  if (result.url.size() > kMaxUrlBytes) {
    return Status::InvalidArgument("URL " + Quoted(result.url) + " is longer than " +
                                   std::to_string(kMaxUrlBytes) + " bytes once normalised");
  }
  result.host_key = scheme + "://" + host + ":";
  result.host_key += port.empty() ? default_port : port;
  result.host = std::move(host);
  *out = std::move(result);
  return Status::OK();
}

// Parses a normalised URL for the accessors below; null if it does not parse.
CurlUrl ParseNormalized(const CurlLibrary& curl, std::string_view normalized_url) {
  CurlUrl handle(curl.url());
  const std::string url(normalized_url);
  if (!handle || curl.url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return nullptr;
  }
  return handle;
}

// The base up to the last '/' of its path (RFC 3986 section 5.2.3): all a
// link's resolution depends on when the link is a path, relative or not.
// Empty, so nothing is cached, for a base with a backslash (which parsers
// may read as a slash) or without "://".
std::string DirectoryOf(std::string_view base) {
  const size_t authority = base.find("://");
  if (authority == std::string_view::npos || base.find('\\') != std::string_view::npos) return {};
  const size_t path = base.find_first_of("/?#", authority + 3);
  if (path == std::string_view::npos) return std::string(base);
  if (base[path] != '/') return std::string(base.substr(0, path));
  const size_t path_end = base.find_first_of("?#", path);
  return std::string(base.substr(0, base.rfind('/', path_end - 1) + 1));
}

// True for a link without a scheme whose resolution depends only on the
// base's directory: a path or "//host" reference, with no backslash.
bool DependsOnDirectoryOnly(std::string_view schemeless_link) {
  return !schemeless_link.empty() && schemeless_link.front() != '?' &&
         schemeless_link.front() != '#' && schemeless_link.find('\\') == std::string_view::npos;
}

// Each thread's resolved links, keyed on options, base directory and link:
// the pages of one site link the same pages over and over. Per thread, so
// workers share no lock; cleared whole when full, which bounds it at about
// 2 MiB a thread (links are at most a few hundred bytes).
constexpr size_t kResolvedLinksPerThread = 4096;

std::unordered_map<std::string, NormalizedUrl>& ThreadResolvedLinks() {
  thread_local std::unordered_map<std::string, NormalizedUrl> resolved;
  return resolved;
}

}  // namespace

Status NormalizeUrl(std::string_view absolute, const NormalizeOptions& options,
                    NormalizedUrl* out) {
  const CurlLibrary* curl = nullptr;
  GLEANER_RETURN_IF_ERROR(SharedCurl(&curl));
  std::string cleaned;
  GLEANER_RETURN_IF_ERROR(CleanInput(absolute, "URL", &cleaned));
  CurlUrl handle;
  GLEANER_RETURN_IF_ERROR(ParseAbsolute(*curl, cleaned, "URL", &handle));
  return Canonicalize(*curl, handle.get(), options, out);
}

Status NormalizeUrl(std::string_view absolute, const NormalizeOptions& options, std::string* out) {
  NormalizedUrl normalized;
  GLEANER_RETURN_IF_ERROR(NormalizeUrl(absolute, options, &normalized));
  *out = std::move(normalized.url);
  return Status::OK();
}

void LinkResolver::HandleDeleter::operator()(Curl_URL* handle) const { CleanupHandle(handle); }

Status LinkResolver::Make(std::string_view base, const NormalizeOptions& options,
                          LinkResolver* out) {
  const CurlLibrary* curl = nullptr;
  GLEANER_RETURN_IF_ERROR(SharedCurl(&curl));
  std::string cleaned;
  GLEANER_RETURN_IF_ERROR(CleanInput(base, "base URL", &cleaned));
  CurlUrl handle;
  GLEANER_RETURN_IF_ERROR(ParseAbsolute(*curl, cleaned, "base URL", &handle));
  out->base_.reset(handle.release());
  out->options_ = options;
  out->directory_ = DirectoryOf(cleaned);
  return Status::OK();
}

Status LinkResolver::Resolve(std::string_view ref, NormalizedUrl* out) const {
  if (!base_) return Status::FailedPrecondition("link resolver has no base URL");
  const CurlLibrary* curl = nullptr;
  GLEANER_RETURN_IF_ERROR(SharedCurl(&curl));  // loaded: Make parsed the base with it
  std::string cleaned;
  GLEANER_RETURN_IF_ERROR(CleanInput(ref, "link", &cleaned));
  const std::optional<std::string> scheme = SchemeOf(cleaned);
  if (scheme) GLEANER_RETURN_IF_ERROR(CheckHttpScheme(*scheme, "link", cleaned));
  // An empty or fragment-only reference is the base document itself (RFC 3986
  // section 5.2.2); libcurl 7.88 would drop the base's last segment and query.
  // Reading the base handle is safe: curl_url_get does not modify it.
  if (cleaned.empty() || cleaned.front() == '#') {
    return Canonicalize(*curl, base_.get(), options_, out);
  }
  std::string key;
  if (!directory_.empty() && !scheme && DependsOnDirectoryOnly(cleaned)) {
    key.append(options_.strip_tracking_params ? "1" : "0").append(directory_);
    key.append(" ").append(cleaned);  // cleaned URLs hold no raw space
    auto& resolved = ThreadResolvedLinks();
    if (const auto found = resolved.find(key); found != resolved.end()) {
      *out = found->second;
      return Status::OK();
    }
  }
  // A copy of the parsed base costs far less than parsing the base again.
  const CurlUrl handle(curl->url_dup(base_.get()));
  if (!handle) return Status::Aborted("out of memory allocating a URL handle");
  GLEANER_RETURN_IF_ERROR(SetUrl(*curl, handle.get(), cleaned, "link"));
  GLEANER_RETURN_IF_ERROR(Canonicalize(*curl, handle.get(), options_, out));
  if (!key.empty()) {
    auto& resolved = ThreadResolvedLinks();
    if (resolved.size() >= kResolvedLinksPerThread) resolved.clear();
    resolved.emplace(std::move(key), *out);
  }
  return Status::OK();
}

Status ResolveUrl(std::string_view base, std::string_view ref, const NormalizeOptions& options,
                  std::string* out) {
  LinkResolver resolver;
  GLEANER_RETURN_IF_ERROR(LinkResolver::Make(base, options, &resolver));
  NormalizedUrl resolved;
  GLEANER_RETURN_IF_ERROR(resolver.Resolve(ref, &resolved));
  *out = std::move(resolved.url);
  return Status::OK();
}

std::string HostKey(std::string_view normalized_url) {
  const CurlLibrary* curl = nullptr;
  if (!SharedCurl(&curl).ok()) return {};
  const CurlUrl handle = ParseNormalized(*curl, normalized_url);
  std::string scheme, host, port;
  if (!handle || !GetPart(*curl, handle.get(), CURLUPART_SCHEME, 0, &scheme) ||
      !GetPart(*curl, handle.get(), CURLUPART_HOST, 0, &host) ||
      !GetPart(*curl, handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT, &port)) {
    return {};
  }
  return scheme + "://" + host + ":" + port;
}

std::string PathAndQuery(std::string_view normalized_url) {
  // NormalizeUrl writes "scheme://" and the authority, in which a '/' is
  // percent-encoded, then the path and query and no fragment: what follows
  // the first '/' after "://" is both. Sliced, not parsed again: the crawl
  // asks this of every URL it fetches (robots.txt rules).
  const size_t authority = normalized_url.find("://");
  if (authority == std::string_view::npos) return {};
  const size_t path = normalized_url.find('/', authority + 3);
  if (path == std::string_view::npos) return {};
  return std::string(normalized_url.substr(path));
}

uint64_t UrlFingerprint(std::string_view normalized_url) {
  return XXH3_64bits(normalized_url.data(), normalized_url.size());
}

}  // namespace gleaner::crawler
