// StagingStore: the RocksDB database every pipeline stage reads and writes.
// One primary per directory writes (RocksDB's LOCK enforces it); any number of
// followers (RocksDB secondary instances) read it, even while the primary is
// writing. A StagingStore is thread-safe; it owns the DB and its handles.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace gleaner::storage {

// Bumped whenever a key layout or value encoding changes incompatibly.
// Version 2 added the runs family and record versions; opening a version 1
// store as the primary upgrades it in place (storage/README.md).
inline constexpr int kFormatVersion = 2;

enum class Family { kJobs = 0, kFrontier, kPages, kRecords, kErrors, kUrls, kMeta, kRuns };
inline constexpr int kFamilyCount = 8;
const char* FamilyName(Family f);

class StagingStore;

// An atomic group of writes across families: all of it lands or none does.
// Bound to one store, which must outlive it. Not thread-safe.
class StoreBatch {
 public:
  explicit StoreBatch(const StagingStore* store);
  ~StoreBatch();
  StoreBatch(StoreBatch&&) noexcept;
  StoreBatch& operator=(StoreBatch&&) noexcept;

  void Put(Family f, std::string_view key, std::string_view value);
  void Delete(Family f, std::string_view key);
  // Deletes every key in [begin, end).
  void DeleteRange(Family f, std::string_view begin, std::string_view end);
  void Clear();
  size_t Count() const;
  size_t ApproximateBytes() const;

 private:
  friend class StagingStore;
  const StagingStore* store_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
};

class StagingStore {
 public:
  struct Options {
    bool create_if_missing = true;
    // fsync the WAL on every batch: survives power loss, not only kill -9.
    bool sync = false;
  };

  // Opens (or creates) the writable primary store in `dir`. A store of the
  // previous format version is upgraded in place: the runs family is created
  // and every job's stored records become its run 1.
  static Status OpenPrimary(const std::string& dir, const Options& options,
                            std::unique_ptr<StagingStore>* out);
  // Opens a read-only follower. Creates nothing in `dir`; fails with a
  // one-line message when `dir` is missing, not a store, or of another format,
  // and with Corruption when a table file the store lists is missing or
  // truncated (checked at open; CatchUp does not check again).
  static Status OpenFollower(const std::string& dir, std::unique_ptr<StagingStore>* out);

  ~StagingStore();
  StagingStore(const StagingStore&) = delete;
  StagingStore& operator=(const StagingStore&) = delete;

  bool read_only() const { return follower_; }
  const std::string& dir() const { return dir_; }

  // Applies the batch atomically with the WAL on. Fails on a follower.
  Status Write(const StoreBatch& batch);
  // Removes every row of one job (records, pages, errors, URL index, frontier
  // and its state) in one atomic batch, then compacts that key range so the
  // disk space comes back at once. Fails on a follower.
  Status DeleteJob(std::string_view job);
  // Point read from the latest state; NotFound when absent.
  Status Get(Family f, std::string_view key, std::string* value) const;
  // Follower only: replays what the primary wrote since open.
  Status CatchUp();

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* handle(Family f) const { return handles_[static_cast<int>(f)]; }

 private:
  StagingStore() = default;
  Status CheckFormat();
  Status UpgradeFromVersion1();

  std::string dir_;
  std::string follower_dir_;  // the secondary instance's private directory
  bool follower_ = false;
  Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> handles_{};
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
};

}  // namespace gleaner::storage
