// JobWriter: appends one job's records, pages and errors to the staging store
// and keeps the job's counters, and its current run's row, in the same atomic
// batch, so a crash at any moment leaves rows and counters that agree. It is
// the one place that tells a page's records added, changed, unchanged or
// removed against those of earlier runs (PutPageRecords). One JobWriter per job at a time
// (the store's single primary enforces one process); not thread-safe. The
// store must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "schema/gleaner.pb.h"
#include "storage/staging_store.h"

namespace gleaner::storage {

// How the records of a page compare with those valid before, per
// (source_url, index_in_page).
struct RecordCounts {
  uint64_t added = 0;
  uint64_t changed = 0;
  uint64_t unchanged = 0;
  uint64_t removed = 0;
  bool operator==(const RecordCounts&) const = default;
};

class JobWriter {
 public:
  // Loads the job's committed state, or starts a new job in JOB_PENDING.
  static Status Open(StagingStore* store, std::string_view job, std::unique_ptr<JobWriter>* out);

  const std::string& job() const { return state_.name(); }
  StagingStore* store() const { return store_; }
  // The state including pending, uncommitted additions.
  const v1::JobState& state() const { return state_; }
  // For the caller's own fields (phase, stats, spec); committed with the batch.
  v1::JobState* mutable_state() { return &state_; }

  // Each Add stages one row. A row that is invalid returns InvalidArgument and
  // poisons the batch: Commit then refuses until Discard, so a half-valid
  // batch is never written.
  Status AddRecord(const v1::Record& record);
  // Stores what run `run` extracted from `url`: records[i] has source_url
  // `url`, index_in_page i and its content_hash set. Per index: a record whose
  // hash equals the valid stored one is unchanged (nothing written); another
  // hash is a new version (valid_from_run = run) that closes the old row
  // (valid_to_run = run); a new index is added; valid stored indexes from
  // records.size() on are closed (removed). `queued_as` (may be null) is how
  // the crawl queued the URL, kept so that the next run queues it again; it
  // carries this fetch's validators and record signature. When that
  // signature equals the stored one (and the count), the page is unchanged as
  // a whole: its records count unchanged and no record row is read or written.
  // `update`, when given, also changes the URL's state in the same read and
  // write, told *counts as they stand then.
  Status PutPageRecords(
      std::string_view url, const std::vector<v1::Record>& records, uint32_t run,
      const v1::FrontierItem* queued_as, RecordCounts* counts,
      const std::function<void(const RecordCounts&, v1::UrlState*)>& update = nullptr);
  // Keeps the links of the page at `url` (recrawl.remove_unlinked), in place
  // of those of its last fetch.
  void PutPageLinks(std::string_view url, const v1::PageLinks& links);
  // Closes every valid record of `url` in run `run` (removed), and drops its
  // kept links: the URL is gone.
  Status CloseUrl(std::string_view url, uint32_t run, RecordCounts* counts);
  // Run `run` found `url` not modified (a 304): its valid records stand,
  // counted unchanged, and no record row is written. `update`, when given,
  // also changes the URL's state in the same read and write.
  Status KeepPageRecords(std::string_view url, uint32_t run, RecordCounts* counts,
                         const std::function<void(v1::UrlState*)>& update = nullptr);
  // What the store keeps about `url` between runs, this batch's writes
  // included. NotFound for a URL no run stored.
  Status ReadUrlState(std::string_view url, v1::UrlState* state) const;
  // Rewrites the stored state of `url` (an empty one when it has none) with
  // `update`, which sees the writes staged before it; for what the crawl
  // keeps per URL besides its records (validators, schedule, failures).
  Status UpdateUrlState(std::string_view url, const std::function<void(v1::UrlState*)>& update);
  // `page.body` is the raw body; it is stored zstd-compressed.
  Status AddPage(v1::Page page);
  Status AddError(const v1::FetchError& error);

  // Other writes (frontier, robots cache) that must land with these rows.
  StoreBatch* batch() { return &batch_; }
  size_t pending_rows() const { return pending_rows_; }

  // Writes all staged rows and the job state atomically.
  Status Commit();
  // Drops everything staged since the last Commit.
  void Discard();

 private:
  JobWriter(StagingStore* store);
  Status Poison(std::string message);
  // Rows this writer reads back (URL index, record rows, URL state) are staged
  // through here, so a read sees the batch's own uncommitted writes.
  void Stage(Family f, std::string key, std::string value);
  Status Read(Family f, const std::string& key, std::string* value) const;
  // The valid row at (url, index): its seq and record. NotFound when there is
  // none (never stored, or closed).
  Status ReadValidRecord(std::string_view url, uint32_t index, uint64_t* seq,
                         v1::Record* record) const;
  // How many record indexes `url` may have stored: its UrlState's count, or
  // for a URL stored before runs were kept, one past the highest indexed.
  Status StoredRecordSlots(std::string_view url, const v1::UrlState& state, uint32_t* slots) const;
  void AppendRecord(v1::Record record);
  void CloseRecord(uint64_t seq, v1::Record record, uint32_t run);

  StagingStore* store_;
  StoreBatch batch_;
  v1::JobState state_;
  v1::JobState committed_;
  size_t pending_rows_ = 0;
  std::string poisoned_;  // non-empty: why the batch may not be committed
  std::string scratch_;
  // What Stage put in the batch: family byte + key -> value.
  std::unordered_map<std::string, std::string> staged_;
};

int64_t NowMicros();

}  // namespace gleaner::storage
