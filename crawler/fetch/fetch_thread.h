// FetchThread: an HttpFetcher on a thread of its own, for a caller whose
// thread has other work to do (the crawl engine's bookkeeping and its store):
// curl, the sockets and their timers run there, and the results are handed
// back by posting their callbacks to the caller's executor, in the order they
// finished: bodiless ones (a 304, an error) that finish in one turn of the
// fetch thread's loop go in one post, so a caller idle in epoll is woken once
// for them. Call Fetch from one thread at a time. A request's redirect_policy
// runs on the fetch thread, so it must be thread-safe. Destroying it abandons
// the fetches still under way (their callbacks never run) and joins the thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "crawler/fetch/http_fetcher.h"

namespace gleaner::crawler {

class FetchThread {
 public:
  // Callbacks are posted to `results`.
  FetchThread(boost::asio::any_io_executor results, const CurlAsioDriver::Limits& limits,
              HttpFetcher::Options options);
  ~FetchThread();
  FetchThread(const FetchThread&) = delete;
  FetchThread& operator=(const FetchThread&) = delete;

  void Fetch(FetchRequest request, HttpFetcher::Callback done);

 private:
  struct Finished {
    HttpFetcher::Callback done;
    FetchResult result;
  };
  // On thread_: posts `finished` to results_, with the turn's others when bodiless.
  void HandBack(Finished finished);
  // On thread_: posts the results waiting in finished_, in order, in one handler.
  void PostFinished();

  boost::asio::any_io_executor results_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  // Used on thread_ only, until thread_ has joined.
  std::unique_ptr<HttpFetcher> fetcher_;
  std::vector<Finished> finished_;  // on thread_ only: not yet posted to results_
  std::thread thread_;
};

}  // namespace gleaner::crawler
