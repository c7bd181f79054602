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
// the results of one turn go together. The post queued here runs after the
// handlers this turn of the loop has already queued (curl's sockets that
// were ready together), and the batch keeps their order.
void FetchThread::HandBack(Finished finished) {
  if (finished_.empty()) {
    asio::post(io_, [this] {
      asio::post(results_, [batch = std::exchange(finished_, {})]() mutable {
        for (Finished& f : batch) f.done(std::move(f.result));
      });
    });
  }
  finished_.push_back(std::move(finished));
}

}  // namespace gleaner::crawler
