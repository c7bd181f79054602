#include "crawler/fetch/fetch_thread.h"

#include <boost/asio/post.hpp>
#include <utility>

namespace gleaner::crawler {
namespace asio = boost::asio;

FetchThread::FetchThread(asio::any_io_executor results, const CurlAsioDriver::Limits& limits,
                         HttpFetcher::Options options)
    : results_(std::move(results)),
      keep_running_(asio::make_work_guard(io_)),
      fetcher_(std::make_unique<HttpFetcher>(io_, limits, std::move(options))),
      thread_([this] { io_.run(); }) {}

FetchThread::~FetchThread() {
  io_.stop();
  thread_.join();
  // The thread is gone: the fetcher's sockets and timers are torn down here,
  // with nothing left to run their handlers.
  fetcher_.reset();
}

void FetchThread::Fetch(FetchRequest request, HttpFetcher::Callback done) {
  asio::post(io_, [this, request = std::move(request), done = std::move(done)]() mutable {
    fetcher_->Fetch(std::move(request), [this, done = std::move(done)](FetchResult result) mutable {
      HandBack(Finished{std::move(done), std::move(result)});
    });
  });
}

// Each post to an idle caller costs it a wake-up (an epoll_ctl here, a futex
// on its scheduler's lock, an epoll_wait there): a 304 costs little else, so
// bodiless results wait for the others of their turn of the loop (curl's
// sockets that were ready together) and go in one post, queued to run after
// the handlers the turn has queued. A result with a body goes at once, with
// any still waiting before it: its parse should not wait for the rest of a
// turn that may have many bodies to read and inflate.
void FetchThread::HandBack(Finished finished) {
  const bool has_body = !finished.result.body.empty();
  if (finished_.empty() && !has_body) asio::post(io_, [this] { PostFinished(); });
  finished_.push_back(std::move(finished));
  if (has_body) PostFinished();
}

void FetchThread::PostFinished() {
  if (finished_.empty()) return;  // a result with a body took them along
  asio::post(results_, [batch = std::exchange(finished_, {})]() mutable {
    for (Finished& f : batch) f.done(std::move(f.result));
  });
}

}  // namespace gleaner::crawler
