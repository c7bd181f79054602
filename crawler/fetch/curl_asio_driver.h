// CurlAsioDriver: runs libcurl's multi-socket interface on a Boost.Asio
// io_context. curl tells us which sockets to watch and when to time out;
// Asio waits on them and calls curl_multi_socket_action back. No polling loop
// and no thread per request: every transfer and callback runs on the thread
// that runs the io_context. Not thread-safe; use it from that thread only.
// The io_context and the CurlLibrary must outlive the driver.
#pragma once

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "common/curl_library.h"

namespace gleaner::crawler {

class CurlAsioDriver {
 public:
  using Done = std::function<void(CURLcode)>;

  struct Limits {
    long max_total_connections = 64;
    long max_host_connections = 8;
  };

  CurlAsioDriver(boost::asio::io_context& io, const CurlLibrary& curl, const Limits& limits);
  ~CurlAsioDriver();
  CurlAsioDriver(const CurlAsioDriver&) = delete;
  CurlAsioDriver& operator=(const CurlAsioDriver&) = delete;

  // Starts a configured easy handle; `done` runs once, on the io thread, when
  // the transfer ends. The caller keeps ownership of `easy` and must not
  // touch it until `done` runs (or Cancel is called).
  void Start(CURL* easy, Done done);
  // Stops a transfer without calling its `done`.
  void Cancel(CURL* easy);
  size_t active() const { return done_.size(); }

 private:
  struct Watch;

  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* self, void* socketp);
  static int OnSocketOpened(void* self, curl_socket_t s, curlsocktype purpose);
  static int OnCloseSocket(void* self, curl_socket_t s);
  void Unwatch(curl_socket_t s);
  static int OnTimer(CURLM* multi, long timeout_ms, void* self);
  // Waits for deadline_, then lets curl handle its timeouts.
  void ArmTimer();
  void Arm(const std::shared_ptr<Watch>& w);
  void Action(curl_socket_t s, int ev_bitmask);
  void ReapFinished();

  boost::asio::io_context& io_;
  const CurlLibrary& curl_;
  CURLM* multi_;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;  // a wait on timer_ is pending
  // When curl last asked to be called back (CURLMOPT_TIMERFUNCTION).
  std::chrono::steady_clock::time_point deadline_;
  std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  // Sockets of connections, open now: their watches outlive CURL_POLL_REMOVE.
  std::unordered_set<curl_socket_t> connection_sockets_;
  std::unordered_map<CURL*, Done> done_;
  // Tells a posted "time out now" whether the driver still exists.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gleaner::crawler
