// HttpFetcher: fetches one URL at a time per call, many concurrently, on the
// CurlAsioDriver's io thread. It enforces what a crawler must never leave to
// the server: http/https only, at most `max_redirects` hops (each recorded and
// each checked by the caller's redirect policy), connect/total/low-speed
// timeouts, a cap on bytes received and on bytes after decompression
// (gzip/deflate/br/zstd, decoded by DecodeContent once the body is whole; a
// kept prefix by curl as it streams). It prefers HTTP/2 over TLS (ALPN) and multiplexes
// requests to one host on one connection. Restricted to public networks, it
// checks every address it is about to connect to, on every hop (robots.txt
// included), so neither a redirect nor a DNS answer can lead it into a private
// network. Given the validators of a URL's last response it asks
// conditionally (validators.h); a 304 Not Modified is then a successful fetch
// with no body, while a 304 to a request that was not conditional is the
// server's protocol error. A request may ask to start a gap after the last
// one to its host (FetchRequest::start_gap). Callbacks run on the io thread;
// destroying the fetcher drops the fetches under way or waiting to start
// without calling them. It loads libcurl (common/curl_library.h) if no one
// has yet; when libcurl cannot be loaded, every fetch fails with why
// (CURLE_FAILED_INIT). Not thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crawler/fetch/curl_asio_driver.h"
#include "crawler/fetch/fetch_limits.h"
#include "crawler/fetch/host_start_gate.h"
#include "crawler/fetch/validators.h"
#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

struct FetchRequest {
  std::string url;
  std::string user_agent;
  std::vector<std::string> headers;  // "Name: value"
  // Of the URL's last response: sent as If-None-Match / If-Modified-Since
  // (validators.h ConditionalHeaders: both when both are known, an unsafe one
  // never), on every redirect hop. Empty: an unconditional GET.
  Validators validators;
  FetchLimits limits;
  // Past limits.max_decompressed_bytes, end the transfer and keep the body's
  // first max_decompressed_bytes as a successful response rather than failing
  // with ERROR_TOO_LARGE: for robots.txt, of which RFC 9309 lets a crawler
  // read only the start (fetch one byte more than you read to tell a cut body
  // from a whole one). max_body_bytes still fails the fetch, but a
  // Content-Length over it no longer does up front.
  bool keep_body_prefix = false;
  // Asked before following each redirect hop; an empty string allows it,
  // anything else is the reason it is refused (e.g. "out of scope").
  std::function<std::string(const std::string& next_url)> redirect_policy;
  // Politeness where requests really start: a request naming a host_key
  // starts no sooner than start_gap after the last one that named it
  // (HostStartGate), however late it reached the fetcher. Empty or zero: at once.
  std::string host_key;
  std::chrono::microseconds start_gap{0};
};

struct FetchResult {
  // Transport outcome: CURLE_OK means an HTTP response arrived (any status).
  CURLcode curl_code = CURLE_OK;
  v1::ErrorKind error_kind = v1::ERROR_UNKNOWN;  // meaningful when !ok()
  std::string error;                             // human-readable reason when !ok()
  long status = 0;
  std::string final_url;
  std::vector<std::string> redirects;  // every hop's target URL, in order
  std::string body;                    // decoded body; always empty when not_modified
  // 304 Not Modified to a conditional request: ok(), no body, nothing decoded;
  // the response's headers may carry the validators' new values. A 304 to a
  // request without validators is not ok(): ERROR_HTTP_STATUS.
  bool not_modified = false;
  uint64_t wire_bytes = 0;             // bytes received before decoding
  std::string content_type;
  std::string http_version;         // of the last response: "http/1.1", "http/2", ...; "" if none
  std::string retry_after;          // raw Retry-After header, if any
  std::vector<v1::Header> headers;  // selected response headers
  v1::Timings timings;

  bool ok() const { return error.empty(); }
  // Worth another try: timeouts, connection failures, 5xx, 429; never a
  // refusal by policy (ERROR_OUT_OF_SCOPE), which would refuse again.
  bool retryable() const;
};

class HttpFetcher {
 public:
  using Callback = std::function<void(FetchResult)>;

  struct Options {
    // When not empty, a PEM file of CA certificates trusted for https in
    // addition to the system's CA directory.
    std::string ca_file;
    // Refuse to connect to private addresses (IsPrivateAddress): such a fetch
    // fails with ERROR_OUT_OF_SCOPE and is not retryable. Connections are
    // checked when opened; the pool holds no other kind.
    bool public_networks_only = false;
  };

  HttpFetcher(boost::asio::io_context& io, const CurlAsioDriver::Limits& limits, Options options);
  ~HttpFetcher();

  void Fetch(FetchRequest request, Callback done);
  size_t in_flight() const { return driver_ ? driver_->active() : 0; }

 private:
  struct Transfer;
  void StartHop(std::shared_ptr<Transfer> t);
  void ArmGateTimer();
  void OnHopDone(std::shared_ptr<Transfer> t, CURLcode code);
  CURL* AcquireEasy();
  void ReleaseEasy(CURL* easy);

  // Null, and driver_ and share_ empty, when libcurl could not be loaded:
  // curl_status_ says why.
  const CurlLibrary* curl_ = nullptr;
  Status curl_status_;
  std::optional<CurlAsioDriver> driver_;
  HostStartGate start_gate_;
  // Requests waiting for their host's start; they expire with the fetcher
  // (their callbacks never run).
  std::unordered_map<HostStartGate::Ticket, std::shared_ptr<Transfer>> gated_;
  HostStartGate::Ticket next_ticket_ = 0;
  boost::asio::steady_timer gate_timer_;
  bool gate_timer_armed_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::vector<CURL*> idle_easy_;  // reused handles keep their DNS and TLS session caches warm
  std::unordered_set<CURL*> in_flight_;  // handles of the hops under way
  CURLSH* share_ = nullptr;
  Options options_;
};

// Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); -1 when absent or bad.
double ParseRetryAfter(const std::string& value, int64_t now_unix_seconds);

}  // namespace gleaner::crawler
