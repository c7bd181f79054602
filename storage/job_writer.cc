#include "storage/job_writer.h"

#include <chrono>

#include "storage/body_codec.h"
#include "storage/keys.h"

namespace gleaner::storage {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

JobWriter::JobWriter(StagingStore* store) : store_(store), batch_(store) {}

Status JobWriter::Open(StagingStore* store, std::string_view job, std::unique_ptr<JobWriter>* out) {
  GLEANER_RETURN_IF_ERROR(ValidateJobName(job));
  std::unique_ptr<JobWriter> w(new JobWriter(store));
  std::string value;
  Status s = store->Get(Family::kJobs, job, &value);
  if (s.ok()) {
    if (!w->state_.ParseFromString(value)) {
      return Status::Corruption("job '" + std::string(job) + "': unreadable job state");
    }
  } else if (s.IsNotFound()) {
    w->state_.set_name(std::string(job));
    w->state_.set_phase(v1::JOB_PENDING);
    w->state_.set_created_micros(NowMicros());
  } else {
    return s;
  }
  w->committed_ = w->state_;
  *out = std::move(w);
  return Status::OK();
}

Status JobWriter::Poison(std::string message) {
  if (poisoned_.empty()) poisoned_ = message;
  return Status::InvalidArgument(std::move(message));
}

Status JobWriter::AddRecord(const v1::Record& record) {
  if (record.job() != job()) {
    return Poison("record of job '" + record.job() + "' given to the writer of '" + job() + "'");
  }
  if (record.source_url().empty()) return Poison("record without a source URL");
  uint64_t seq = state_.next_record_seq();
  record.SerializeToString(&scratch_);
  batch_.Put(Family::kRecords, SeqKey(job(), seq), scratch_);
  std::string seq_value;
  PutFixed64BE(&seq_value, seq);
  batch_.Put(Family::kUrls, UrlRecordKey(job(), record.source_url(), record.index_in_page()),
             seq_value);
  state_.set_next_record_seq(seq + 1);
  state_.set_record_count(state_.record_count() + 1);
  ++pending_rows_;
  return Status::OK();
}

Status JobWriter::AddPage(v1::Page page) {
  if (page.job() != job()) {
    return Poison("page of job '" + page.job() + "' given to the writer of '" + job() + "'");
  }
  if (page.url().empty()) return Poison("page without a URL");
  if (page.body_codec() == v1::BODY_IDENTITY) {
    page.set_body_size(page.body().size());
    page.set_body(CompressBody(page.body()));
    page.set_body_codec(v1::BODY_ZSTD);
  }
  uint64_t seq = state_.next_page_seq();
  page.SerializeToString(&scratch_);
  batch_.Put(Family::kPages, SeqKey(job(), seq), scratch_);
  std::string seq_value;
  PutFixed64BE(&seq_value, seq);
  batch_.Put(Family::kUrls, UrlPageKey(job(), page.url()), seq_value);
  state_.set_next_page_seq(seq + 1);
  state_.set_page_count(state_.page_count() + 1);
  ++pending_rows_;
  return Status::OK();
}

Status JobWriter::AddError(const v1::FetchError& error) {
  if (error.job() != job()) {
    return Poison("error of job '" + error.job() + "' given to the writer of '" + job() + "'");
  }
  uint64_t seq = state_.next_error_seq();
  error.SerializeToString(&scratch_);
  batch_.Put(Family::kErrors, SeqKey(job(), seq), scratch_);
  state_.set_next_error_seq(seq + 1);
  state_.set_error_count(state_.error_count() + 1);
  ++pending_rows_;
  return Status::OK();
}

Status JobWriter::Commit() {
  if (!poisoned_.empty()) {
    return Status::FailedPrecondition("batch not written: " + poisoned_);
  }
  state_.set_updated_micros(NowMicros());
  state_.SerializeToString(&scratch_);
  batch_.Put(Family::kJobs, job(), scratch_);
  Status s = store_->Write(batch_);
  if (!s.ok()) {
    Discard();
    return s;
  }
  batch_.Clear();
  pending_rows_ = 0;
  committed_ = state_;
  return Status::OK();
}

void JobWriter::Discard() {
  batch_.Clear();
  pending_rows_ = 0;
  poisoned_.clear();
  state_ = committed_;
}

}  // namespace gleaner::storage
