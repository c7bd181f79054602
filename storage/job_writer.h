// JobWriter: appends one job's records, pages and errors to the staging store
// and keeps the job's counters in the same atomic batch, so a crash at any
// moment leaves rows and counters that agree. One JobWriter per job at a time
// (the store's single primary enforces one process); not thread-safe. The
// store must outlive it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/gleaner.pb.h"
#include "storage/staging_store.h"

namespace gleaner::storage {

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

  StagingStore* store_;
  StoreBatch batch_;
  v1::JobState state_;
  v1::JobState committed_;
  size_t pending_rows_ = 0;
  std::string poisoned_;  // non-empty: why the batch may not be committed
  std::string scratch_;
};

int64_t NowMicros();

}  // namespace gleaner::storage
