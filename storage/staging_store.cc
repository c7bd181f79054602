#include "storage/staging_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "schema/gleaner.pb.h"
#include "storage/keys.h"
#include "storage/lock_holder.h"
#include "storage/rocks_status.h"

namespace gleaner::storage {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFamilyNames[kFamilyCount] = {"jobs",   "frontier", "pages", "records",
                                                    "errors", "urls",     "meta",  "runs"};
// The family format version 2 added: a store without it is of version 1.
constexpr Family kAddedInVersion2 = Family::kRuns;
constexpr const char* kFormatKey = "format_version";
// The families whose keys all start with "<job>\0".
constexpr Family kPerJobFamilies[] = {Family::kFrontier, Family::kPages, Family::kRecords,
                                      Family::kErrors,   Family::kUrls,  Family::kRuns};

rocksdb::ColumnFamilyOptions FamilyOptions(Family f) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Records are read by whole-job scans, never by point lookups: larger
  // blocks mean fewer block reads, decompressions and index steps per row.
  if (f == Family::kRecords) table.block_size = 16 << 10;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Page bodies are zstd-compressed by JobWriter already; everything else is
  // small repetitive protobuf that LZ4 shrinks cheaply, zstd at the bottom.
  // Records stay LZ4 at the bottom too: every `gleaner prepare` decompresses
  // all of them, and LZ4 decodes several times faster than zstd.
  // The frontier churns (every URL queued, then deleted): small memtables
  // keep the memory of a huge crawl bounded.
  if (f == Family::kFrontier) o.write_buffer_size = 16 << 20;
  if (f == Family::kPages) {
    o.compression = rocksdb::kNoCompression;
  } else {
    o.compression = rocksdb::kLZ4Compression;
    if (f != Family::kRecords) o.bottommost_compression = rocksdb::kZSTD;
  }
  return o;
}

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors() {
  std::vector<rocksdb::ColumnFamilyDescriptor> d;
  d.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kFamilyCount; ++i) {
    d.emplace_back(kFamilyNames[i], FamilyOptions(static_cast<Family>(i)));
  }
  return d;
}

rocksdb::DBOptions BaseOptions() {
  rocksdb::DBOptions o;
  o.IncreaseParallelism(2);
  // RocksDB opens a version's table files on up to 16 new threads per column
  // family, at every open and every follower catch-up: about 450 thread starts
  // for one `gleaner stage jobs`. A store this size opens its files faster inline.
  o.max_file_opening_threads = 1;
  o.keep_log_file_num = 3;
  o.max_manifest_file_size = 64 << 20;
  return o;
}

// The read-only opens of a follower: every table file open (the check below
// needs it, a secondary instance requires it). Their info logs live in a
// temporary directory removed on close, so only warnings are written: at INFO,
// RocksDB dumps every family's options, thousands of lines per open.
rocksdb::DBOptions FollowerOptions() {
  rocksdb::DBOptions o = BaseOptions();
  o.max_open_files = -1;
  o.info_log_level = rocksdb::WARN_LEVEL;
  return o;
}

// A failed check is repeated this many times before it counts (see below).
constexpr int kVerifyAttempts = 3;

// Followers are secondary instances, which recover "to a point in time": when
// the MANIFEST lists a table file that is missing or shorter than recorded,
// a secondary silently keeps the column family's last state before that file,
// so a damaged store would read as empty. A read-only open recovers strictly
// and opens every table file, so it reports such damage; RocksDB's message
// names the file. It gets an empty WAL directory of its own: only the tables
// are checked, and replaying the log, as the secondary does next, would
// double the cost of opening. A writer compacting meanwhile may delete a file
// between this check reading the MANIFEST and opening the file (about one
// check in 150 under a writer that never pauses), so only a failure that
// persists counts.
Status VerifyTableFiles(const std::string& dir, const std::string& scratch_dir) {
  rocksdb::DBOptions db_options = FollowerOptions();  // opens, and so verifies, every table file
  db_options.paranoid_checks = true;
  db_options.db_log_dir = scratch_dir;  // its info log stays out of the store
  db_options.wal_dir = (fs::path(scratch_dir) / "no-wal").string();
  std::error_code ec;
  fs::create_directory(db_options.wal_dir, ec);
  if (ec) return Status::IOError("creating " + db_options.wal_dir + ": " + ec.message());
  rocksdb::Status s;
  for (int attempt = 0; attempt < kVerifyAttempts; ++attempt) {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::OpenForReadOnly(db_options, dir, Descriptors(), &handles, &raw);
    if (s.ok()) {
      std::unique_ptr<rocksdb::DB> db(raw);
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
      return FromRocks(db->Close(), "opening store " + dir);
    }
  }
  return FromRocks(s, "opening store " + dir);
}

// A follower cannot upgrade a store: the primary does, at its next open.
Status Version1Refused(const std::string& dir) {
  return Status::FailedPrecondition(
      dir + " has store format version 1, older than this gleaner's (" +
      std::to_string(kFormatVersion) +
      "); a command that writes to it (such as gleaner crawl) upgrades it in place");
}

// A store directory always has RocksDB's CURRENT file; anything else is not ours.
Status CheckLooksLikeStore(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    return Status::NotFound("no Gleaner store at " + dir + " (directory does not exist)");
  }
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument(dir + " is not a directory");
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return Status::InvalidArgument(dir + " is not a Gleaner store (no RocksDB database in it)");
  }
  return Status::OK();
}

// Builds a complete, empty store (every family and the format version) in a
// private sibling directory and renames it into place, so a crash during
// creation never leaves a half-made store at `dir`.
Status CreateStore(const std::string& dir) {
  fs::path target = fs::absolute(dir);
  fs::path staging = target.parent_path() /
                     ("." + target.filename().string() + ".creating-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec) return Status::IOError("creating " + staging.string() + ": " + ec.message());
  rocksdb::DBOptions db_options = BaseOptions();
  db_options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  GLEANER_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::Open(rocksdb::Options(db_options, rocksdb::ColumnFamilyOptions()),
                                  staging.string(), &raw),
                "creating store " + dir));
  std::unique_ptr<rocksdb::DB> db(raw);
  // All families in one call: RocksDB rewrites its OPTIONS file (and syncs
  // it) once per call, which made creating a store cost ten of them.
  std::vector<rocksdb::ColumnFamilyDescriptor> families = Descriptors();
  families.erase(families.begin());  // the default family exists already
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = db->CreateColumnFamilies(families, &handles);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  // handles follow the families in enum order.
  if (s.ok()) {
    s = db->Put(wo, handles[static_cast<int>(Family::kMeta)], kFormatKey,
                std::to_string(kFormatVersion));
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  if (s.ok()) s = db->Close();
  db.reset();
  GLEANER_RETURN_IF_ERROR(FromRocks(s, "writing format version"));
  if (fs::exists(target, ec)) fs::remove(target, ec);  // known to be empty
  fs::rename(staging, target, ec);
  if (ec) return Status::IOError("moving the new store into " + dir + ": " + ec.message());
  return Status::OK();
}

}  // namespace

const char* FamilyName(Family f) { return kFamilyNames[static_cast<int>(f)]; }

StoreBatch::StoreBatch(const StagingStore* store)
    : store_(store), batch_(std::make_unique<rocksdb::WriteBatch>()) {}
StoreBatch::~StoreBatch() = default;
StoreBatch::StoreBatch(StoreBatch&&) noexcept = default;
StoreBatch& StoreBatch::operator=(StoreBatch&&) noexcept = default;

void StoreBatch::Put(Family f, std::string_view key, std::string_view value) {
  batch_->Put(store_->handle(f), rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()));
}

void StoreBatch::Delete(Family f, std::string_view key) {
  batch_->Delete(store_->handle(f), rocksdb::Slice(key.data(), key.size()));
}

void StoreBatch::DeleteRange(Family f, std::string_view begin, std::string_view end) {
  batch_->DeleteRange(store_->handle(f), rocksdb::Slice(begin.data(), begin.size()),
                      rocksdb::Slice(end.data(), end.size()));
}

void StoreBatch::Clear() { batch_->Clear(); }
size_t StoreBatch::Count() const { return batch_->Count(); }
size_t StoreBatch::ApproximateBytes() const { return batch_->GetDataSize(); }

Status StagingStore::OpenPrimary(const std::string& dir, const Options& options,
                                 std::unique_ptr<StagingStore>* out) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    if (!options.create_if_missing) return CheckLooksLikeStore(dir);
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
      return Status::InvalidArgument(dir + " exists, is not empty and is not a Gleaner store");
    }
    GLEANER_RETURN_IF_ERROR(CreateStore(dir));
  }
  std::unique_ptr<StagingStore> store(new StagingStore());
  store->dir_ = dir;
  store->options_ = options;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::DBOptions db_options = BaseOptions();
  // A version 1 store lacks the runs family: open it creating that family,
  // for CheckFormat to upgrade. A database without Gleaner's other families
  // still fails the open, untouched.
  std::vector<std::string> families;
  if (rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &families).ok()) {
    const auto has = [&](Family f) {
      return std::find(families.begin(), families.end(), FamilyName(f)) != families.end();
    };
    bool only_runs_missing = !has(kAddedInVersion2);
    for (int i = 0; i < kFamilyCount; ++i) {
      if (static_cast<Family>(i) != kAddedInVersion2 && !has(static_cast<Family>(i))) {
        only_runs_missing = false;
      }
    }
    db_options.create_missing_column_families = only_runs_missing;
  }
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, Descriptors(), &handles, &raw);
  if (!s.ok() && s.IsInvalidArgument()) {
    return Status::InvalidArgument(dir + " is not a Gleaner store (" + s.ToString() + ")");
  }
  Status opened = FromRocks(s, "opening store " + dir);
  if (opened.code() == Status::Code::kUnavailable) {
    LockHolder holder = FindLockHolder(dir);
    if (holder.pid != 0) {
      return Status::Unavailable(opened.message() + " (" + holder.Describe() + ")");
    }
  }
  GLEANER_RETURN_IF_ERROR(opened);
  store->db_.reset(raw);
  store->default_handle_ = handles[0];
  for (int i = 0; i < kFamilyCount; ++i) store->handles_[i] = handles[i + 1];
  GLEANER_RETURN_IF_ERROR(store->CheckFormat());
  *out = std::move(store);
  return Status::OK();
}

Status StagingStore::OpenFollower(const std::string& dir, std::unique_ptr<StagingStore>* out) {
  GLEANER_RETURN_IF_ERROR(CheckLooksLikeStore(dir));
  std::vector<std::string> families;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &families);
  GLEANER_RETURN_IF_ERROR(FromRocks(s, "reading store " + dir));
  for (const char* name : kFamilyNames) {
    if (std::find(families.begin(), families.end(), name) != families.end()) continue;
    if (std::string_view(name) == FamilyName(kAddedInVersion2)) return Version1Refused(dir);
    return Status::InvalidArgument(dir + " is not a Gleaner store (no '" + name +
                                   "' column family)");
  }

  std::unique_ptr<StagingStore> store(new StagingStore());
  store->dir_ = dir;
  store->follower_ = true;
  // The secondary keeps its own info log; it lives outside the store so that
  // reading never creates files in the user's directory.
  std::string tmpl = (fs::temp_directory_path() / "gleaner-follower-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return Status::IOError("creating a temporary directory: " + std::string(strerror(errno)));
  }
  store->follower_dir_ = tmpl;
  GLEANER_RETURN_IF_ERROR(VerifyTableFiles(dir, store->follower_dir_));

  rocksdb::DBOptions db_options = FollowerOptions();
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::OpenAsSecondary(db_options, dir, store->follower_dir_, Descriptors(), &handles,
                                   &raw);
  GLEANER_RETURN_IF_ERROR(FromRocks(s, "opening store " + dir));
  store->db_.reset(raw);
  store->default_handle_ = handles[0];
  for (int i = 0; i < kFamilyCount; ++i) store->handles_[i] = handles[i + 1];
  GLEANER_RETURN_IF_ERROR(store->CatchUp());
  GLEANER_RETURN_IF_ERROR(store->CheckFormat());
  *out = std::move(store);
  return Status::OK();
}

Status StagingStore::CheckFormat() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(Family::kMeta), kFormatKey, &value);
  if (s.IsNotFound()) {
    return Status::InvalidArgument(dir_ + " is not a Gleaner store (no format version)");
  }
  GLEANER_RETURN_IF_ERROR(FromRocks(s, "reading the format version of store " + dir_));
  char* end = nullptr;
  long version = std::strtol(value.c_str(), &end, 10);
  if (end == value.c_str() || *end != '\0') {
    return Status::Corruption(dir_ + ": unreadable format version '" + value + "'");
  }
  if (version > kFormatVersion) {
    return Status::FailedPrecondition(dir_ + " has store format version " + value +
                                      ", newer than this gleaner supports (" +
                                      std::to_string(kFormatVersion) + "); upgrade gleaner");
  }
  if (version == 1) return follower_ ? Version1Refused(dir_) : UpgradeFromVersion1();
  if (version < kFormatVersion) {
    return Status::FailedPrecondition(
        dir_ + " has store format version " + value + ", older than this gleaner's (" +
        std::to_string(kFormatVersion) + "); re-crawl into a new store");
  }
  return Status::OK();
}

// Version 1 kept no runs: each job's stored records become its run 1 (their
// rows say valid_from_run 0, valid from the start), counted in a runs row
// that the job's state names. One synced batch with the new version, so a
// crash leaves the store of one version or the other.
Status StagingStore::UpgradeFromVersion1() {
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handle(Family::kJobs)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::JobState state;
    if (!state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption(dir_ + ": unreadable state of job '" + it->key().ToString() + "'");
    }
    v1::CrawlRun* run = state.mutable_run();
    const bool finished =
        state.phase() == v1::JOB_SUCCEEDED || state.phase() == v1::JOB_FAILED;
    if (run->end() == v1::CrawlRun::OPEN && finished) {
      run->set_end(state.phase() == v1::JOB_FAILED ? v1::CrawlRun::NOTHING_FETCHED
                                                   : v1::CrawlRun::COMPLETE);
    }
    run->set_number(1);
    run->set_start_micros(state.created_micros());
    if (run->end() != v1::CrawlRun::OPEN) run->set_end_micros(state.updated_micros());
    run->set_pages_failed(state.error_count());
    run->set_records_added(state.record_count());
    run->set_bytes(state.stats().bytes_fetched());
    batch.Put(handle(Family::kRuns), RunKey(state.name(), 1), run->SerializeAsString());
    batch.Put(handle(Family::kJobs), it->key(), state.SerializeAsString());
  }
  GLEANER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the jobs of store " + dir_));
  batch.Put(handle(Family::kMeta), kFormatKey, std::to_string(kFormatVersion));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, &batch), "upgrading store " + dir_ + " to format version " +
                                               std::to_string(kFormatVersion));
}

StagingStore::~StagingStore() {
  if (db_ && !follower_) {
    // What is left in the memtables lives only in the WAL, which every
    // follower opened later (`gleaner prepare`, `stage`) would replay: on a
    // crawl-sized store that triples the time of a full scan. A clean close
    // leaves table files instead; a crash still leaves a WAL that is correct.
    std::vector<rocksdb::ColumnFamilyHandle*> families(handles_.begin(), handles_.end());
    db_->Flush(rocksdb::FlushOptions(), families);
  }
  if (db_) {
    for (auto* h : handles_) {
      if (h) db_->DestroyColumnFamilyHandle(h);
    }
    if (default_handle_) db_->DestroyColumnFamilyHandle(default_handle_);
    db_->Close();
    db_.reset();
  }
  if (!follower_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(follower_dir_, ec);
  }
}

Status StagingStore::Write(const StoreBatch& batch) {
  if (follower_) return Status::FailedPrecondition("the store is open read-only");
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return FromRocks(db_->Write(wo, batch.batch_.get()), "writing to store " + dir_);
}

Status StagingStore::DeleteJob(std::string_view job) {
  GLEANER_RETURN_IF_ERROR(ValidateJobName(job));
  if (follower_) return Status::FailedPrecondition("the store is open read-only");
  // "<job>\0" .. "<job>\1" spans exactly the job's keys in every per-job family.
  std::string begin = JobPrefix(job);
  std::string end = begin;
  end.back() = '\1';
  rocksdb::WriteBatch batch;
  for (Family f : kPerJobFamilies) batch.DeleteRange(handle(f), begin, end);
  batch.Delete(handle(Family::kJobs), rocksdb::Slice(job.data(), job.size()));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  GLEANER_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch), "deleting job " + std::string(job)));
  // Range tombstones free nothing until a compaction passes over them: give
  // the space back now, as a user deleting a job expects.
  rocksdb::Slice from(begin), to(end);
  for (Family f : kPerJobFamilies) {
    GLEANER_RETURN_IF_ERROR(FromRocks(
        db_->CompactRange(rocksdb::CompactRangeOptions(), handle(f), &from, &to),
        "compacting after deleting job " + std::string(job)));
  }
  return Status::OK();
}

Status StagingStore::Get(Family f, std::string_view key, std::string* value) const {
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handle(f), rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return Status::NotFound(std::string(FamilyName(f)) + " key not found");
  return FromRocks(s, "reading store " + dir_);
}

Status StagingStore::CatchUp() {
  if (!follower_) return Status::OK();
  return FromRocks(db_->TryCatchUpWithPrimary(), "catching up with the writer of store " + dir_);
}

}  // namespace gleaner::storage
