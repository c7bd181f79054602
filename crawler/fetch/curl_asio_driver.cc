#include "crawler/fetch/curl_asio_driver.h"

#include <unistd.h>

#include <boost/asio/post.hpp>

namespace gleaner::crawler {

namespace asio = boost::asio;

// One socket curl asked us to watch. The descriptor never owns the fd: curl
// opens and closes its sockets itself (and tells us CURL_POLL_REMOVE before
// closing), so we release it instead of closing it. A connection socket's
// watch lives as long as the socket, through the idle spells between
// transfers on a kept-alive connection: re-registering it with epoll for
// every request cost three epoll_ctl calls and an allocation per page.
struct CurlAsioDriver::Watch {
  Watch(asio::io_context& io, curl_socket_t fd) : fd(fd), descriptor(io, fd) {}
  curl_socket_t fd;
  asio::posix::stream_descriptor descriptor;
  int wanted = 0;  // CURL_POLL_IN / OUT / INOUT
  bool read_armed = false;
  bool write_armed = false;
  bool removed = false;
};

CurlAsioDriver::CurlAsioDriver(asio::io_context& io, const CurlLibrary& curl, const Limits& limits)
    : io_(io), curl_(curl), multi_(curl.multi_init()), timer_(io) {
  curl_.multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlAsioDriver::OnSocket);
  curl_.multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_.multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlAsioDriver::OnTimer);
  curl_.multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_.multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, limits.max_total_connections);
  curl_.multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, limits.max_host_connections);
  // Left at its default, the idle-connection cache is sized from the transfers
  // added at the moment (4 each): as a transfer ends and the next one is not
  // yet added, curl closes kept-alive connections and every few pages pay a
  // new TCP (and TLS) handshake. Keep as many as may be open at once.
  curl_.multi_setopt(multi_, CURLMOPT_MAXCONNECTS, limits.max_total_connections);
  curl_.multi_setopt(multi_, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
}

CurlAsioDriver::~CurlAsioDriver() {
  for (auto& [easy, done] : done_) curl_.multi_remove_handle(multi_, easy);
  done_.clear();
  timer_.cancel();
  curl_.multi_cleanup(multi_);  // closes connections: REMOVE callbacks release watches
  for (auto& [fd, w] : watches_) {
    w->removed = true;
    w->descriptor.release();
  }
}

void CurlAsioDriver::Start(CURL* easy, Done done) {
  // Curl copies these to each connection the handle opens, so every
  // connection socket is known from its opening to its closing.
  curl_.easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &CurlAsioDriver::OnSocketOpened);
  curl_.easy_setopt(easy, CURLOPT_SOCKOPTDATA, this);
  curl_.easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlAsioDriver::OnCloseSocket);
  curl_.easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  done_.emplace(easy, std::move(done));
  curl_.multi_add_handle(multi_, easy);  // schedules a timeout that kicks the transfer off
}

void CurlAsioDriver::Cancel(CURL* easy) {
  if (done_.count(easy) == 0) return;
  // Removing the handle still calls its callbacks (progress, write), whose
  // data `done` may own: drop `done` only after.
  curl_.multi_remove_handle(multi_, easy);
  done_.erase(easy);
}

int CurlAsioDriver::OnSocketOpened(void* self_ptr, curl_socket_t s, curlsocktype purpose) {
  if (purpose == CURLSOCKTYPE_IPCXN) {
    static_cast<CurlAsioDriver*>(self_ptr)->connection_sockets_.insert(s);
  }
  return CURL_SOCKOPT_OK;
}

int CurlAsioDriver::OnCloseSocket(void* self_ptr, curl_socket_t s) {
  auto* self = static_cast<CurlAsioDriver*>(self_ptr);
  self->connection_sockets_.erase(s);
  self->Unwatch(s);
  return close(s);
}

void CurlAsioDriver::Unwatch(curl_socket_t s) {
  auto it = watches_.find(s);
  if (it == watches_.end()) return;
  it->second->removed = true;
  boost::system::error_code ec;
  it->second->descriptor.cancel(ec);
  it->second->descriptor.release();
  watches_.erase(it);
}

int CurlAsioDriver::OnSocket(CURL*, curl_socket_t s, int what, void* self_ptr, void*) {
  auto* self = static_cast<CurlAsioDriver*>(self_ptr);
  if (what == CURL_POLL_REMOVE) {
    // A connection socket stays watched until OnCloseSocket, wanting
    // nothing meanwhile. Any other (a resolver's wake-up pipe) may be closed
    // without telling us: its fd number could come back as a new socket.
    auto it = self->watches_.find(s);
    if (it != self->watches_.end() && self->connection_sockets_.count(s) > 0) {
      // No wait stays pending, so an io_context with nothing else to do
      // returns from run().
      it->second->wanted = 0;
      boost::system::error_code ec;
      it->second->descriptor.cancel(ec);
    } else {
      self->Unwatch(s);
    }
    return 0;
  }
  auto it = self->watches_.find(s);
  if (it == self->watches_.end()) {
    it = self->watches_.emplace(s, std::make_shared<Watch>(self->io_, s)).first;
  }
  it->second->wanted = what;
  self->Arm(it->second);
  return 0;
}

void CurlAsioDriver::Arm(const std::shared_ptr<Watch>& w) {
  if ((w->wanted & CURL_POLL_IN) && !w->read_armed) {
    w->read_armed = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                             [this, w](const boost::system::error_code& ec) {
                               w->read_armed = false;
                               if (w->removed || (ec && ec != asio::error::operation_aborted))
                                 return;
                               if (!ec && (w->wanted & CURL_POLL_IN))
                                 Action(w->fd, CURL_CSELECT_IN);
                               // Curl may want the socket again since the wait was cancelled.
                               if (!w->removed) Arm(w);
                             });
  }
  if ((w->wanted & CURL_POLL_OUT) && !w->write_armed) {
    w->write_armed = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                             [this, w](const boost::system::error_code& ec) {
                               w->write_armed = false;
                               if (w->removed || (ec && ec != asio::error::operation_aborted))
                                 return;
                               if (!ec && (w->wanted & CURL_POLL_OUT))
                                 Action(w->fd, CURL_CSELECT_OUT);
                               // Curl may want the socket again since the wait was cancelled.
                               if (!w->removed) Arm(w);
                             });
  }
}

int CurlAsioDriver::OnTimer(CURLM*, long timeout_ms, void* self_ptr) {
  auto* self = static_cast<CurlAsioDriver*>(self_ptr);
  if (timeout_ms < 0) {
    self->timer_.cancel();
    self->timer_armed_ = false;
    return 0;
  }
  const auto now = std::chrono::steady_clock::now();
  self->deadline_ = now + std::chrono::milliseconds(timeout_ms);
  // Never call socket_action from inside a curl callback: post it instead.
  // "Now" (every new transfer asks for it) needs no timer: arming one costs
  // a timerfd_settime and an epoll wake-up per page.
  if (timeout_ms == 0) {
    asio::post(self->io_, [self, alive = std::weak_ptr<bool>(self->alive_)] {
      if (!alive.expired()) self->Action(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }
  // Curl moves its deadline at almost every transfer's start and end, mostly
  // later. A timer that fires no later than the new deadline is left as it
  // is (it re-arms itself for the rest), which spares a timerfd_settime each.
  if (self->timer_armed_ && self->timer_.expiry() <= self->deadline_) return 0;
  self->ArmTimer();
  return 0;
}

void CurlAsioDriver::ArmTimer() {
  timer_armed_ = true;
  timer_.expires_at(deadline_);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](
                        const boost::system::error_code& ec) {
    // Cancelled or re-armed (the pending wait is another's), or the driver is gone.
    if (ec || alive.expired()) return;
    timer_armed_ = false;
    if (std::chrono::steady_clock::now() < deadline_) return ArmTimer();
    Action(CURL_SOCKET_TIMEOUT, 0);
  });
}

void CurlAsioDriver::Action(curl_socket_t s, int ev_bitmask) {
  int running = 0;
  curl_.multi_socket_action(multi_, s, ev_bitmask, &running);
  ReapFinished();
}

void CurlAsioDriver::ReapFinished() {
  int left = 0;
  while (CURLMsg* msg = curl_.multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode result = msg->data.result;
    curl_.multi_remove_handle(multi_, easy);
    auto it = done_.find(easy);
    if (it == done_.end()) continue;
    Done done = std::move(it->second);
    done_.erase(it);
    done(result);
  }
}

}  // namespace gleaner::crawler
