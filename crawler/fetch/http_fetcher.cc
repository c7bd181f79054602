#include "crawler/fetch/http_fetcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>
#include <ctime>
#include <string_view>

#include "crawler/fetch/content_decoding.h"
#include "crawler/fetch/private_address.h"

namespace gleaner::crawler {
namespace {

// Response headers worth keeping with a stored page.
constexpr const char* kKeptHeaders[] = {"content-type",  "content-length", "content-encoding",
                                        "last-modified", "etag",           "retry-after",
                                        "location",      "cache-control",  "content-language"};

const char* HttpVersionName(long curl_version) {
  switch (curl_version) {
    case CURL_HTTP_VERSION_1_0:
      return "http/1.0";
    case CURL_HTTP_VERSION_1_1:
      return "http/1.1";
    case CURL_HTTP_VERSION_2_0:
      return "http/2";
    case CURL_HTTP_VERSION_3:
      return "http/3";
    default:
      return "";
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  return a.size() == lower.size() &&
         std::equal(a.begin(), a.end(), lower.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

// An IPv4 or IPv6 address as text, e.g. "127.0.0.1" or "::1".
std::string AddressText(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof(text));
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text,
              sizeof(text));
  } else {
    return "an address of family " + std::to_string(addr->sa_family);
  }
  return text;
}

// What kind of failure a transport error is: the user's next step differs
// (check the name, the host or port, the certificate, the server's speed).
v1::ErrorKind TransportErrorKind(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return v1::ERROR_DNS;
    case CURLE_COULDNT_CONNECT:
      return v1::ERROR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
      return v1::ERROR_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return v1::ERROR_TLS;
    default:
      return v1::ERROR_NETWORK;
  }
}

std::string DecodedTooLargeError(int64_t max_decompressed_bytes) {
  return "decompressed body larger than " + std::to_string(max_decompressed_bytes) + " bytes";
}

// Undoes the final response's Content-Encoding, which curl was told to leave
// (CURLOPT_HTTP_CONTENT_DECODING). False, with the result failed and no body,
// when it cannot; the errors are those curl's own decoders gave.
bool Decode(const FetchLimits& limits, FetchResult* r) {
  const auto encoding = std::find_if(r->headers.begin(), r->headers.end(), [](const v1::Header& h) {
    return h.name() == "content-encoding";
  });
  if (encoding == r->headers.end() || r->body.empty()) return true;
  const ContentDecoding decoding = DecodeContent(
      encoding->value(), static_cast<size_t>(std::max<int64_t>(0, limits.max_decompressed_bytes)),
      &r->body);
  if (decoding.outcome == ContentDecoding::kDecoded) return true;
  r->body.clear();
  if (decoding.outcome == ContentDecoding::kTooLarge) {
    r->error_kind = v1::ERROR_TOO_LARGE;
    r->error = DecodedTooLargeError(limits.max_decompressed_bytes);
  } else {
    r->curl_code = CURLE_BAD_CONTENT_ENCODING;
    r->error_kind = v1::ERROR_NETWORK;
    r->error = decoding.error;
  }
  return false;
}

}  // namespace

struct HttpFetcher::Transfer {
  explicit Transfer(const CurlLibrary& curl) : curl(curl) {}

  const CurlLibrary& curl;
  FetchRequest request;
  Callback done;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string current_url;
  FetchResult result;
  bool too_large = false;
  bool decoded_too_large = false;
  bool conditional = false;               // the request carries If-None-Match or If-Modified-Since
  HostStartGate* gate = nullptr;          // set when the request asked for a start gap
  std::string refused_address;            // this hop's private address not connected to
  char curl_error[CURL_ERROR_SIZE] = {};  // curl's detailed message for a failed hop

  ~Transfer() { curl.slist_free_all(header_list); }

  static size_t OnBody(char* data, size_t size, size_t n, void* self_ptr) {
    auto* t = static_cast<Transfer*>(self_ptr);
    size_t len = size * n;
    const auto room = static_cast<size_t>(std::max<int64_t>(
        0, t->request.limits.max_decompressed_bytes - static_cast<int64_t>(t->result.body.size())));
    if (len > room) {
      t->decoded_too_large = true;
      if (t->request.keep_body_prefix) t->result.body.append(data, room);
      return CURL_WRITEFUNC_ERROR;
    }
    if (t->result.body.empty()) {
      // One buffer for a declared length rather than doubling into it.
      curl_off_t declared = -1;
      t->curl.easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
      if (declared > 0) {
        t->result.body.reserve(static_cast<size_t>(std::min<int64_t>(
            declared,
            std::min(t->request.limits.max_body_bytes, t->request.limits.max_decompressed_bytes))));
      }
    }
    t->result.body.append(data, len);
    return len;
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* self_ptr) {
    auto* t = static_cast<Transfer*>(self_ptr);
    size_t len = size * n;
    std::string_view line(data, len);
    if (line.starts_with("HTTP/")) {
      t->result.headers.clear();  // a new response (after 1xx or a redirect hop)
      t->result.retry_after.clear();
      return len;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return len;
    // Every response passes here: compare in place, copy only what is kept.
    std::string_view name = line.substr(0, colon);
    for (std::string_view kept : kKeptHeaders) {
      if (!EqualsIgnoreCase(name, kept)) continue;
      std::string_view value = Trim(line.substr(colon + 1));
      if (kept == "retry-after") t->result.retry_after = value;
      v1::Header* h = &t->result.headers.emplace_back();
      h->set_name(std::string(kept));
      h->set_value(std::string(value));
      break;
    }
    return len;
  }

  // Creates the socket for a connection only to a public address. Refused,
  // curl tries the host's other addresses, and fails the hop when none is left.
  // Curl connected (or reused a connection) and sends the request now: the
  // moment the host's next start is counted from.
  static int OnPrerequest(void* self_ptr, char*, char*, int, int) {
    auto* t = static_cast<Transfer*>(self_ptr);
    t->gate->Sent(t->request.host_key, t->request.start_gap, HostStartGate::Clock::now());
    return CURL_PREREQFUNC_OK;
  }

  static curl_socket_t OpenPublicSocket(void* self_ptr, curlsocktype, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(self_ptr);
    if (IsPrivateAddress(&address->addr)) {
      t->refused_address = AddressText(&address->addr);
      return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
  }

  // Counts bytes as they arrive on the wire, before any decoding.
  static int OnProgress(void* self_ptr, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(self_ptr);
    if (dlnow > t->request.limits.max_body_bytes) {
      t->too_large = true;
      return 1;
    }
    return 0;
  }
};

bool FetchResult::retryable() const {
  if (error_kind == v1::ERROR_OUT_OF_SCOPE) return false;
  switch (curl_code) {
    case CURLE_OK:
      return status == 429 || (status >= 500 && status <= 599);
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

HttpFetcher::HttpFetcher(boost::asio::io_context& io, const CurlAsioDriver::Limits& limits,
                         Options options)
    : curl_status_(SharedCurl(&curl_)), gate_timer_(io), options_(std::move(options)) {
  if (curl_ == nullptr) return;
  driver_.emplace(io, *curl_, limits);
  share_ = curl_->share_init();
  curl_->share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_->share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HttpFetcher::~HttpFetcher() {
  if (curl_ == nullptr) return;  // nothing of curl's was made
  // Transfers still under way are dropped (their callbacks never run): their
  // handles leave the multi handle and are freed with the idle ones.
  for (CURL* e : in_flight_) {
    driver_->Cancel(e);
    curl_->easy_cleanup(e);
  }
  for (CURL* e : idle_easy_) curl_->easy_cleanup(e);
  curl_->share_cleanup(share_);
}

CURL* HttpFetcher::AcquireEasy() {
  if (!idle_easy_.empty()) {
    CURL* e = idle_easy_.back();
    idle_easy_.pop_back();
    curl_->easy_reset(e);
    return e;
  }
  return curl_->easy_init();
}

void HttpFetcher::ReleaseEasy(CURL* easy) {
  if (idle_easy_.size() < 256) {
    idle_easy_.push_back(easy);
  } else {
    curl_->easy_cleanup(easy);
  }
}

void HttpFetcher::Fetch(FetchRequest request, Callback done) {
  if (curl_ == nullptr) {
    FetchResult failed;
    failed.curl_code = CURLE_FAILED_INIT;
    failed.error = curl_status_.message();
    failed.final_url = request.url;
    // Callbacks run from the io_context, never inside Fetch.
    boost::asio::post(gate_timer_.get_executor(),
                      [alive = std::weak_ptr<int>(alive_), done = std::move(done),
                       failed = std::move(failed)]() mutable {
                        if (!alive.expired()) done(std::move(failed));
                      });
    return;
  }
  auto t = std::make_shared<Transfer>(*curl_);
  t->current_url = request.url;
  t->request = std::move(request);
  t->done = std::move(done);
  for (const auto& h : t->request.headers) {
    t->header_list = curl_->slist_append(t->header_list, h.c_str());
    t->conditional = t->conditional || IsConditionalHeader(h);
  }
  for (const auto& h : ConditionalHeaders(t->request.validators)) {
    t->header_list = curl_->slist_append(t->header_list, h.c_str());
    t->conditional = true;
  }
  if (!t->request.host_key.empty() && t->request.start_gap.count() > 0) {
    t->gate = &start_gate_;
    const HostStartGate::Ticket ticket = next_ticket_++;
    if (!start_gate_.Admit(t->request.host_key, t->request.start_gap, HostStartGate::Clock::now(),
                           ticket)) {
      gated_.emplace(ticket, std::move(t));
      ArmGateTimer();
      return;
    }
  }
  StartHop(std::move(t));
}

// One timer for every gated request: set to the gate's next due time whenever
// that comes earlier than it is set for.
void HttpFetcher::ArmGateTimer() {
  const HostStartGate::Clock::time_point due = start_gate_.NextDue();
  if (due == HostStartGate::Clock::time_point::max()) return;
  if (gate_timer_armed_ && gate_timer_.expiry() <= due) return;
  gate_timer_armed_ = true;
  gate_timer_.expires_at(due);  // a wait already pending ends with operation_aborted
  gate_timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired()) return;
        gate_timer_armed_ = false;
        for (HostStartGate::Ticket ticket : start_gate_.Due(HostStartGate::Clock::now())) {
          auto waiting = gated_.extract(ticket);
          StartHop(std::move(waiting.mapped()));
        }
        ArmGateTimer();
      });
}

void HttpFetcher::StartHop(std::shared_ptr<Transfer> t) {
  CURL* e = AcquireEasy();
  t->easy = e;
  t->result.body.clear();
  t->result.headers.clear();
  t->refused_address.clear();
  t->curl_error[0] = '\0';
  t->too_large = false;
  t->decoded_too_large = false;
  const FetchLimits& lim = t->request.limits;
  curl_->easy_setopt(e, CURLOPT_URL, t->current_url.c_str());
  curl_->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_->easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // hops are followed here, each checked
  curl_->easy_setopt(e, CURLOPT_USERAGENT, t->request.user_agent.c_str());
  curl_->easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  // The body is decoded here once it is whole (DecodeContent: half curl's
  // instructions for gzip), so only the codings it knows are offered; a
  // prefix is cut by curl's streaming decoders, which offer every one curl has.
  const bool curl_decodes = t->request.keep_body_prefix;
  curl_->easy_setopt(e, CURLOPT_ACCEPT_ENCODING, curl_decodes ? "" : kDecodableCodings);
  curl_->easy_setopt(e, CURLOPT_HTTP_CONTENT_DECODING, curl_decodes ? 1L : 0L);
  curl_->easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_->easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  curl_->easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(lim.connect_timeout_ms));
  curl_->easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(lim.total_timeout_ms));
  curl_->easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(lim.low_speed_bytes_per_s));
  curl_->easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(lim.low_speed_time_s));
  if (!t->request.keep_body_prefix) {
    curl_->easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(lim.max_body_bytes));
  }
  curl_->easy_setopt(e, CURLOPT_ERRORBUFFER, t->curl_error);
  curl_->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_->easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_->easy_setopt(e, CURLOPT_SHARE, share_);
  // CAINFO replaces only the default CA bundle file; Debian's libcurl keeps
  // trusting the CA directory (/etc/ssl/certs), so public sites still verify.
  if (!options_.ca_file.empty()) curl_->easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (t->gate != nullptr) {
    curl_->easy_setopt(e, CURLOPT_PREREQFUNCTION, &Transfer::OnPrerequest);
    curl_->easy_setopt(e, CURLOPT_PREREQDATA, t.get());
  }
  if (options_.public_networks_only) {
    // No proxy from the environment either: the check must see the target's
    // own address, not the proxy's.
    curl_->easy_setopt(e, CURLOPT_PROXY, "");
    curl_->easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Transfer::OpenPublicSocket);
    curl_->easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
  }
  curl_->easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_->easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_->easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_->easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_->easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &Transfer::OnProgress);
  curl_->easy_setopt(e, CURLOPT_XFERINFODATA, t.get());
  curl_->easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  in_flight_.insert(e);
  driver_->Start(e, [this, t](CURLcode code) { OnHopDone(t, code); });
}

void HttpFetcher::OnHopDone(std::shared_ptr<Transfer> t, CURLcode code) {
  CURL* e = t->easy;
  in_flight_.erase(e);
  FetchResult& r = t->result;
  r.curl_code = code;
  curl_->easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status);
  long http_version = 0;
  curl_->easy_getinfo(e, CURLINFO_HTTP_VERSION, &http_version);
  r.http_version = HttpVersionName(http_version);
  curl_off_t wire = 0;
  curl_->easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &wire);
  r.wire_bytes += static_cast<uint64_t>(wire);
  double secs = 0;
  curl_->easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME, &secs);
  r.timings.set_dns_ms(r.timings.dns_ms() + secs * 1000);
  char* content_type = nullptr;
  curl_->easy_getinfo(e, CURLINFO_CONTENT_TYPE, &content_type);
  r.content_type = content_type ? content_type : "";
  char* redirect = nullptr;
  curl_->easy_getinfo(e, CURLINFO_REDIRECT_URL, &redirect);
  std::string next = redirect ? redirect : "";
  double t_connect = 0, t_tls = 0, t_first = 0, t_total = 0;
  curl_->easy_getinfo(e, CURLINFO_CONNECT_TIME, &t_connect);
  curl_->easy_getinfo(e, CURLINFO_APPCONNECT_TIME, &t_tls);
  curl_->easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME, &t_first);
  curl_->easy_getinfo(e, CURLINFO_TOTAL_TIME, &t_total);
  r.timings.set_connect_ms(r.timings.connect_ms() + t_connect * 1000);
  r.timings.set_tls_ms(r.timings.tls_ms() + t_tls * 1000);
  r.timings.set_first_byte_ms(r.timings.first_byte_ms() + t_first * 1000);
  r.timings.set_total_ms(r.timings.total_ms() + t_total * 1000);
  ReleaseEasy(e);
  t->easy = nullptr;

  // The body filled its prefix: a complete response as far as the caller asked.
  if (code == CURLE_WRITE_ERROR && t->decoded_too_large && t->request.keep_body_prefix) {
    code = CURLE_OK;
    r.curl_code = CURLE_OK;
  }
  if (code != CURLE_OK) {
    if (!t->refused_address.empty()) {
      r.error_kind = v1::ERROR_OUT_OF_SCOPE;
      r.error = "refused to connect to " + t->refused_address +
                ": a private address (this crawl may reach public networks only)";
    } else if (t->too_large || code == CURLE_FILESIZE_EXCEEDED) {
      r.error_kind = v1::ERROR_TOO_LARGE;
      r.error = "body larger than " + std::to_string(t->request.limits.max_body_bytes) + " bytes";
    } else if (t->decoded_too_large) {
      r.error_kind = v1::ERROR_TOO_LARGE;
      r.error = DecodedTooLargeError(t->request.limits.max_decompressed_bytes);
    } else {
      // curl's own message names the host, port and reason ("Failed to
      // connect to example.org port 443 after 3 ms: Couldn't connect to server").
      r.error_kind = TransportErrorKind(code);
      r.error = t->curl_error[0] != '\0' ? t->curl_error : curl_->easy_strerror(code);
    }
    r.body.clear();
    r.final_url = t->current_url;
    t->done(std::move(r));
    return;
  }
  // Before the redirects: a Location on a 304 is not one to follow.
  if (r.status == 304) {
    r.final_url = t->current_url;
    r.body.clear();  // HTTP gives a 304 no body; a server that sends one is not listened to
    if (t->conditional) {
      r.not_modified = true;
    } else {
      r.error_kind = v1::ERROR_HTTP_STATUS;
      r.error = "HTTP 304 Not Modified to a request without If-None-Match or If-Modified-Since";
    }
    t->done(std::move(r));
    return;
  }
  if (r.status >= 300 && r.status < 400 && !next.empty()) {
    r.redirects.push_back(next);
    if (static_cast<int>(r.redirects.size()) > t->request.limits.max_redirects) {
      r.error_kind = v1::ERROR_TOO_MANY_REDIRECTS;
      r.error = "more than " + std::to_string(t->request.limits.max_redirects) + " redirects";
    } else if (next.rfind("http://", 0) != 0 && next.rfind("https://", 0) != 0) {
      r.error_kind = v1::ERROR_BAD_URL;
      r.error = "redirect to a non-http(s) URL: " + next;
    } else if (t->request.redirect_policy) {
      std::string refused = t->request.redirect_policy(next);
      if (!refused.empty()) {
        r.error_kind = v1::ERROR_OUT_OF_SCOPE;
        r.error = "redirect to " + next + " refused: " + refused;
      }
    }
    if (!r.error.empty()) {
      r.final_url = t->current_url;
      r.body.clear();
      t->done(std::move(r));
      return;
    }
    t->current_url = next;
    StartHop(std::move(t));
    return;
  }
  r.final_url = t->current_url;
  if (!t->request.keep_body_prefix && !Decode(t->request.limits, &r)) {
    t->done(std::move(r));
    return;
  }
  if (r.status >= 400) {
    r.error_kind = v1::ERROR_HTTP_STATUS;
    r.error = "HTTP " + std::to_string(r.status);
  }
  t->done(std::move(r));
}

double ParseRetryAfter(const std::string& value, int64_t now_unix_seconds) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return value.size() > 9 ? -1 : std::stod(value);
  }
  struct tm tm = {};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr) return -1;
  return std::max<double>(0, static_cast<double>(timegm(&tm) - now_unix_seconds));
}

}  // namespace gleaner::crawler
