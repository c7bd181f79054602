#include "crawler/fetch/fetch_thread.h"

#include <boost/asio/post.hpp>

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
    fetcher_->Fetch(std::move(request), [results = results_, done = std::move(done)](
                                            FetchResult result) mutable {
      asio::post(results, [done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
      });
    });
  });
}

}  // namespace gleaner::crawler
