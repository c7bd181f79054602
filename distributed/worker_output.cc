#include "distributed/worker_output.h"

#include "crawler/fetch/validators.h"

namespace gleaner::distributed {

Status WorkerCrawlOutput::Begin(const std::vector<v1::FrontierItem>& seeds) {
  size_t added = 0;
  GLEANER_RETURN_IF_ERROR(frontier_->Push(seeds, &added));
  return Poll();
}

Status WorkerCrawlOutput::End(double duration_s) {
  stats_.set_duration_s(stats_.duration_s() + duration_s);
  GLEANER_RETURN_IF_ERROR(client_->Drain());
  GLEANER_RETURN_IF_ERROR(Poll());
  // The run's last counts, before the server may judge it.
  return frontier_->SendDeferred();
}

Status WorkerCrawlOutput::AddRecord(const v1::Record& record) {
  last_record_ = client_->Add(record);
  return Status::OK();
}

Status WorkerCrawlOutput::AddPageRecords(const v1::FrontierItem& item, const std::string& url,
                                         const std::vector<v1::Record>& records) {
  v1::PageDone done;
  done.set_url(url);
  *done.mutable_item() = item;
  done.set_record_count(static_cast<uint32_t>(records.size()));
  last_record_ = client_->AddPage(records, std::move(done));
  return Status::OK();
}

Status WorkerCrawlOutput::AddPage(v1::Page page) {
  if (!page.not_modified()) return Status::OK();
  v1::PageDone done;
  done.set_url(page.final_url());
  done.set_not_modified(true);
  // The server keeps the validators a 304 came with (RFC 9110 15.4.5).
  const crawler::Validators sent = crawler::ValidatorsOf(page.headers());
  done.mutable_item()->set_etag(sent.etag);
  done.mutable_item()->set_last_modified(sent.last_modified);
  last_record_ = client_->AddPage({}, std::move(done));
  return Status::OK();
}

Status WorkerCrawlOutput::AddError(const v1::FrontierItem& item, const v1::FetchError& error) {
  v1::PageDone done;
  done.set_url(error.url());
  *done.mutable_item() = item;  // a transient failure is queued so in the next run
  *done.mutable_error() = error;
  last_record_ = client_->AddPage({}, std::move(done));
  ++errors_;
  frontier_->CountFailure(error.kind(), error.message());
  log_->Warn("error: " + error.url() + ": " + v1::ErrorKind_Name(error.kind()) + ": " +
             error.message() + " (" + std::to_string(error.attempts()) + " attempts)");
  return Status::OK();
}

Status WorkerCrawlOutput::GetRobots(const std::string& host_key, int64_t /*ttl: Redis expires*/,
                                    std::string* rules) {
  return frontier_->GetRobots(host_key, rules);
}

Status WorkerCrawlOutput::PutRobots(const std::string& host_key, const std::string& rules,
                                    int64_t ttl_micros) {
  return frontier_->PutRobots(host_key, rules, ttl_micros);
}

Status WorkerCrawlOutput::Finish(const crawler::Lease& lease) {
  pages_.store(stats_.pages_fetched(), std::memory_order_relaxed);
  waiting_.push_back(Waiting{last_record_, lease});
  return Poll();
}

Status WorkerCrawlOutput::Poll() {
  GLEANER_RETURN_IF_ERROR(client_->status());
  uint64_t acked = client_->acked();
  while (!waiting_.empty() && waiting_.front().last_record <= acked) {
    Status s = frontier_->Complete(waiting_.front().lease);
    if (s.code() == Status::Code::kAborted) {
      ++lost_leases_;
    } else if (!s.ok()) {
      return s;
    }
    waiting_.pop_front();
  }
  return Status::OK();
}

}  // namespace gleaner::distributed
