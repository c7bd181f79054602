// StoreReader: a consistent, read-only view of the staging store. On a primary
// it pins a RocksDB snapshot for its lifetime; on a follower the view is the
// state replayed at open (or at the last CatchUp). Cheap to create; the store
// must outlive it. Not thread-safe; make one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "schema/gleaner.pb.h"
#include "storage/staging_store.h"

namespace rocksdb {
class Snapshot;
}

namespace gleaner::storage {

struct FamilyStats {
  std::string name;
  uint64_t keys = 0;
  uint64_t bytes = 0;      // key + value bytes, uncompressed
  uint64_t sst_bytes = 0;  // on-disk table files
};

class StoreReader {
 public:
  explicit StoreReader(const StagingStore* store);
  ~StoreReader();
  StoreReader(const StoreReader&) = delete;
  StoreReader& operator=(const StoreReader&) = delete;

  // All jobs, by name.
  Status ListJobs(std::vector<v1::JobState>* jobs);
  // NotFound (naming the job) when the store has no such job.
  Status GetJob(std::string_view job, v1::JobState* state);

  // Visitors return false to stop early. The message a visitor is given is
  // valid only during that call; copy it to keep it.
  template <typename M>
  using Visitor = std::function<bool(const M&)>;

  // The job's runs, oldest first (empty for a job whose runs are not kept).
  Status ListRuns(std::string_view job, std::vector<v1::CrawlRun>* runs);
  // The run a read of `job` shows: `requested` when the job has that run
  // (NotFound naming its runs otherwise), or for 0 the default: the latest
  // succeeded run (ended, not failed), so a run under way or failed never
  // shows half its changes; while no run has succeeded, the latest run. For
  // a job whose runs are not kept, kCurrentRecords.
  Status ResolveRun(std::string_view job, uint32_t requested, uint32_t* run);
  // A run number past every run: the records valid now.
  static constexpr uint32_t kCurrentRecords = UINT32_MAX;
  // Whether `record` is one of run `run`'s records.
  static bool ValidAsOf(const v1::Record& record, uint32_t run) {
    return record.valid_from_run() <= run &&
           (record.valid_to_run() == 0 || record.valid_to_run() > run);
  }

  // In insertion order: the records as of `run` (a run of the job, checked by
  // ResolveRun, or kCurrentRecords), or of the default run when `run` is 0.
  Status ScanRecords(std::string_view job, const Visitor<v1::Record>& visit);
  Status ScanRecords(std::string_view job, uint32_t run, const Visitor<v1::Record>& visit);
  Status ScanPages(std::string_view job, const Visitor<v1::Page>& visit);
  Status ScanErrors(std::string_view job, const Visitor<v1::FetchError>& visit);
  // The URL index names each URL's latest records: these two read the
  // records valid now, whatever run they came from.
  // Records whose source URL starts with url_prefix, in URL order.
  Status ScanRecordsWithUrlPrefix(std::string_view job, std::string_view url_prefix,
                                  const Visitor<v1::Record>& visit);
  // The records extracted from exactly `url`, in page order; the latest page
  // fetched from it (body decompressed) when `page` is non-null; its state
  // across runs when `state` is non-null (empty when it has none). NotFound
  // when the URL has no records, no page and (when asked for) no state.
  Status GetUrl(std::string_view job, std::string_view url, std::vector<v1::Record>* records,
                v1::Page* page, v1::UrlState* state = nullptr);

  // Every URL of the job the store keeps a state for (fetched in some run),
  // in URL order.
  Status ScanUrlStates(std::string_view job,
                       const std::function<bool(std::string_view url, const v1::UrlState&)>& visit);
  // Every page whose links the store keeps (recrawl.remove_unlinked), in URL
  // order.
  Status ScanPageLinks(
      std::string_view job,
      const std::function<bool(std::string_view url, const v1::PageLinks&)>& visit);

  // Keys and bytes per column family, counted exactly.
  Status Stats(std::vector<FamilyStats>* stats);

  // Raw prefix scan of one family, for stages that own a key layout (frontier).
  Status ScanPrefix(Family f, std::string_view prefix,
                    const std::function<bool(std::string_view key, std::string_view value)>& visit);

 private:
  // bulk: a scan that reads a whole job or family, tuned for throughput.
  Status ScanRange(Family f, std::string_view prefix, bool bulk,
                   const std::function<bool(std::string_view key, std::string_view value)>& visit);
  // The values of one kind of URL index key (UrlKeyTag `tag`), by URL.
  template <typename M>
  Status ScanUrlTag(std::string_view job, char tag,
                    const std::function<bool(std::string_view url, const M&)>& visit);
  template <typename M>
  Status ScanJobFamily(Family f, std::string_view job, const Visitor<M>& visit);
  Status GetBySeq(Family f, std::string_view job, std::string_view seq_be,
                  google::protobuf::MessageLite* msg);

  const StagingStore* store_;
  const rocksdb::Snapshot* snapshot_ = nullptr;
};

}  // namespace gleaner::storage
