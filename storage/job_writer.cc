#include "storage/job_writer.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <chrono>

#include "storage/body_codec.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"

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
  v1::Record row = record;
  row.set_valid_from_run(state_.run().number());
  row.set_valid_to_run(0);
  AppendRecord(std::move(row));
  return Status::OK();
}

void JobWriter::Stage(Family f, std::string key, std::string value) {
  batch_.Put(f, key, value);
  std::string overlay_key(1, static_cast<char>(f));
  overlay_key += key;
  staged_[std::move(overlay_key)] = std::move(value);
}

Status JobWriter::Read(Family f, const std::string& key, std::string* value) const {
  std::string overlay_key(1, static_cast<char>(f));
  overlay_key += key;
  auto it = staged_.find(overlay_key);
  if (it != staged_.end()) {
    *value = it->second;
    return Status::OK();
  }
  return store_->Get(f, key, value);
}

Status JobWriter::ReadUrlState(std::string_view url, v1::UrlState* state) const {
  std::string value;
  GLEANER_RETURN_IF_ERROR(Read(Family::kUrls, UrlStateKey(job(), url), &value));
  if (!state->ParseFromString(value)) {
    return Status::Corruption("job '" + job() + "': unreadable state of URL " + std::string(url));
  }
  return Status::OK();
}

Status JobWriter::ReadValidRecord(std::string_view url, uint32_t index, uint64_t* seq,
                                  v1::Record* record) const {
  std::string value;
  GLEANER_RETURN_IF_ERROR(Read(Family::kUrls, UrlRecordKey(job(), url, index), &value));
  if (value.size() != 8) return Status::Corruption("job '" + job() + "': unreadable URL index");
  *seq = DecodeFixed64BE(value.data());
  Status s = Read(Family::kRecords, SeqKey(job(), *seq), &value);
  if (s.IsNotFound()) return Status::Corruption("URL index points at a missing record row");
  GLEANER_RETURN_IF_ERROR(s);
  if (!record->ParseFromString(value)) {
    return Status::Corruption("job '" + job() + "': unreadable record row");
  }
  if (record->valid_to_run() != 0) return Status::NotFound("record closed");
  return Status::OK();
}

Status JobWriter::StoredRecordSlots(std::string_view url, const v1::UrlState& state,
                                    uint32_t* slots) const {
  if (state.last_run() != 0) {
    *slots = state.record_count();
    return Status::OK();
  }
  // Stored before runs were kept: the index itself says which indexes exist.
  *slots = 0;
  std::string prefix = UrlPrefix(job(), url);
  prefix.push_back('\0');
  prefix.push_back('r');
  std::unique_ptr<rocksdb::Iterator> it(
      store_->db()->NewIterator(rocksdb::ReadOptions(), store_->handle(Family::kUrls)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() == prefix.size() + 4) {
      *slots = std::max(*slots, DecodeFixed32BE(it->key().data() + prefix.size()) + 1);
    }
  }
  return FromRocks(it->status(), "reading the URL index of store " + store_->dir());
}

void JobWriter::AppendRecord(v1::Record record) {
  uint64_t seq = state_.next_record_seq();
  std::string seq_value;
  PutFixed64BE(&seq_value, seq);
  Stage(Family::kUrls, UrlRecordKey(job(), record.source_url(), record.index_in_page()), seq_value);
  Stage(Family::kRecords, SeqKey(job(), seq), record.SerializeAsString());
  state_.set_next_record_seq(seq + 1);
  state_.set_record_count(state_.record_count() + 1);
  ++pending_rows_;
}

void JobWriter::CloseRecord(uint64_t seq, v1::Record record, uint32_t run) {
  record.set_valid_to_run(run);
  Stage(Family::kRecords, SeqKey(job(), seq), record.SerializeAsString());
}

Status JobWriter::PutPageRecords(
    std::string_view url, const std::vector<v1::Record>& records, uint32_t run,
    const v1::FrontierItem* queued_as, RecordCounts* counts,
    const std::function<void(const RecordCounts&, v1::UrlState*)>& update) {
  if (url.empty()) return Poison("page records without a URL");
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].job() != job() || records[i].source_url() != url ||
        records[i].index_in_page() != i) {
      return Poison("record " + std::to_string(i) + " of " + std::string(url) +
                    " names another job, URL or index");
    }
  }
  v1::UrlState url_state;
  Status known = ReadUrlState(url, &url_state);
  if (!known.ok() && !known.IsNotFound()) return known;
  // The same signature as the records valid now: none of them is read.
  const bool same_page = queued_as != nullptr && url_state.last_run() != 0 &&
                         url_state.item().signature() != 0 &&
                         url_state.item().signature() == queued_as->signature() &&
                         url_state.record_count() == records.size();
  uint32_t slots = 0;
  if (same_page) {
    counts->unchanged += records.size();
  } else {
    GLEANER_RETURN_IF_ERROR(StoredRecordSlots(url, url_state, &slots));
  }
  for (uint32_t i = 0; !same_page && i < std::max<size_t>(slots, records.size()); ++i) {
    uint64_t seq = 0;
    v1::Record stored;
    Status s = ReadValidRecord(url, i, &seq, &stored);
    if (!s.ok() && !s.IsNotFound()) return s;
    const bool was_valid = s.ok();
    if (i >= records.size()) {
      if (was_valid) {
        CloseRecord(seq, std::move(stored), run);
        ++counts->removed;
      }
      continue;
    }
    if (was_valid && stored.content_hash() == records[i].content_hash()) {
      ++counts->unchanged;
      continue;
    }
    if (was_valid) {
      CloseRecord(seq, std::move(stored), run);
      ++counts->changed;
    } else {
      ++counts->added;
    }
    v1::Record row = records[i];
    row.set_valid_from_run(run);
    row.set_valid_to_run(0);
    AppendRecord(std::move(row));
  }
  url_state.set_record_count(static_cast<uint32_t>(records.size()));
  url_state.set_last_run(run);
  if (queued_as != nullptr) {
    *url_state.mutable_item() = *queued_as;
    url_state.mutable_item()->set_attempts(0);
  } else {
    url_state.mutable_item()->clear_signature();  // no longer that of the valid records
  }
  if (update) update(*counts, &url_state);
  Stage(Family::kUrls, UrlStateKey(job(), url), url_state.SerializeAsString());
  return Status::OK();
}

void JobWriter::PutPageLinks(std::string_view url, const v1::PageLinks& links) {
  batch_.Put(Family::kUrls, UrlLinksKey(job(), url), links.SerializeAsString());
}

Status JobWriter::CloseUrl(std::string_view url, uint32_t run, RecordCounts* counts) {
  // A gone page links to nothing any more.
  batch_.Delete(Family::kUrls, UrlLinksKey(job(), url));
  v1::UrlState url_state;
  Status known = ReadUrlState(url, &url_state);
  if (!known.ok() && !known.IsNotFound()) return known;
  uint32_t slots = 0;
  GLEANER_RETURN_IF_ERROR(StoredRecordSlots(url, url_state, &slots));
  uint64_t closed = 0;
  for (uint32_t i = 0; i < slots; ++i) {
    uint64_t seq = 0;
    v1::Record stored;
    Status s = ReadValidRecord(url, i, &seq, &stored);
    if (s.IsNotFound()) continue;
    GLEANER_RETURN_IF_ERROR(s);
    CloseRecord(seq, std::move(stored), run);
    ++closed;
  }
  counts->removed += closed;
  if (known.ok() || closed > 0) {
    url_state.set_record_count(0);
    // Its validators and signature describe records no longer valid.
    url_state.mutable_item()->clear_etag();
    url_state.mutable_item()->clear_last_modified();
    url_state.mutable_item()->clear_signature();
    url_state.mutable_item()->clear_record_count();
    url_state.set_last_run(run);
    Stage(Family::kUrls, UrlStateKey(job(), url), url_state.SerializeAsString());
  }
  return Status::OK();
}

Status JobWriter::KeepPageRecords(std::string_view url, uint32_t run, RecordCounts* counts,
                                  const std::function<void(v1::UrlState*)>& update) {
  v1::UrlState url_state;
  Status known = ReadUrlState(url, &url_state);
  // A validator comes from a stored fetch; without one nothing was stored.
  if (known.IsNotFound()) return Status::OK();
  GLEANER_RETURN_IF_ERROR(known);
  uint32_t slots = 0;
  GLEANER_RETURN_IF_ERROR(StoredRecordSlots(url, url_state, &slots));
  counts->unchanged += slots;
  url_state.set_record_count(slots);
  url_state.set_last_run(run);
  if (update) update(&url_state);
  Stage(Family::kUrls, UrlStateKey(job(), url), url_state.SerializeAsString());
  return Status::OK();
}

Status JobWriter::UpdateUrlState(std::string_view url,
                                 const std::function<void(v1::UrlState*)>& update) {
  v1::UrlState url_state;
  Status known = ReadUrlState(url, &url_state);
  if (!known.ok() && !known.IsNotFound()) return known;
  update(&url_state);
  Stage(Family::kUrls, UrlStateKey(job(), url), url_state.SerializeAsString());
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
  state_.mutable_run()->set_pages_failed(state_.run().pages_failed() + 1);
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
  if (state_.run().number() != 0) {
    batch_.Put(Family::kRuns, RunKey(job(), state_.run().number()),
               state_.run().SerializeAsString());
  }
  Status s = store_->Write(batch_);
  if (!s.ok()) {
    Discard();
    return s;
  }
  batch_.Clear();
  staged_.clear();
  pending_rows_ = 0;
  committed_ = state_;
  return Status::OK();
}

void JobWriter::Discard() {
  batch_.Clear();
  staged_.clear();
  pending_rows_ = 0;
  poisoned_.clear();
  state_ = committed_;
}

}  // namespace gleaner::storage
