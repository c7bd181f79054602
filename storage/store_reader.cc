#include "storage/store_reader.h"

#include <google/protobuf/arena.h>
#include <rocksdb/db.h>

#include <memory>

#include "storage/body_codec.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"

namespace gleaner::storage {
namespace {

// Bodies are capped when fetched; this bound only guards against corruption.
constexpr size_t kMaxStoredBody = 1ull << 30;

// Bulk scans read table files ahead in pieces of this size.
constexpr size_t kBulkReadahead = 2 << 20;

// Arena of a scan: rows parsed into it between resets, and its block size.
constexpr size_t kRowsPerArena = 1024;
constexpr size_t kArenaBlock = 64 << 10;

}  // namespace

StoreReader::StoreReader(const StagingStore* store) : store_(store) {
  if (!store->read_only()) snapshot_ = store->db()->GetSnapshot();
}

StoreReader::~StoreReader() {
  if (snapshot_) store_->db()->ReleaseSnapshot(snapshot_);
}

Status StoreReader::ScanPrefix(
    Family f, std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  return ScanRange(f, prefix, /*bulk=*/false, visit);
}

Status StoreReader::ScanRange(
    Family f, std::string_view prefix, bool bulk,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  if (bulk) {
    // A bulk scan reads every block once: caching them would only evict what
    // point reads (the frontier, URL lookups) keep hot, and a large readahead
    // turns the table files into a few big sequential reads.
    ro.fill_cache = false;
    ro.readahead_size = kBulkReadahead;
  }
  std::string upper(prefix);
  // Bound the iterator so RocksDB stops at the end of the prefix by itself.
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  rocksdb::Slice upper_slice;
  if (!upper.empty()) {
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
    upper_slice = rocksdb::Slice(upper);
    ro.iterate_upper_bound = &upper_slice;
  }
  std::unique_ptr<rocksdb::Iterator> it(store_->db()->NewIterator(ro, store_->handle(f)));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    rocksdb::Slice k = it->key();
    rocksdb::Slice v = it->value();
    if (!visit(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()))) break;
  }
  // An iterator that meets a damaged or unreadable block stops being Valid()
  // like one at the end of its range; only its status tells the two apart.
  return FromRocks(it->status(),
                   std::string("scanning ") + FamilyName(f) + " in store " + store_->dir());
}

Status StoreReader::ListJobs(std::vector<v1::JobState>* jobs) {
  jobs->clear();
  Status parse_error;
  GLEANER_RETURN_IF_ERROR(
      ScanPrefix(Family::kJobs, "", [&](std::string_view k, std::string_view v) {
        v1::JobState state;
        if (!state.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          parse_error = Status::Corruption("job '" + std::string(k) + "': unreadable job state");
          return false;
        }
        jobs->push_back(std::move(state));
        return true;
      }));
  return parse_error;
}

Status StoreReader::GetJob(std::string_view job, v1::JobState* state) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s = store_->db()->Get(ro, store_->handle(Family::kJobs),
                                        rocksdb::Slice(job.data(), job.size()), &value);
  if (s.IsNotFound()) return Status::NotFound("no job '" + std::string(job) + "' in the store");
  GLEANER_RETURN_IF_ERROR(
      FromRocks(s, "reading job '" + std::string(job) + "' in store " + store_->dir()));
  if (!state->ParseFromString(value)) {
    return Status::Corruption("job '" + std::string(job) + "': unreadable job state");
  }
  return Status::OK();
}

template <typename M>
Status StoreReader::ScanJobFamily(Family f, std::string_view job, const Visitor<M>& visit) {
  // Rows are parsed into one message on an arena. Reusing a heap message
  // still frees and reallocates every string held in a oneof (all field
  // values) on each row; on the arena that is a bump allocation, and the
  // arena is reset every kRowsPerArena rows to keep its memory bounded.
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = kArenaBlock;
  arena_options.max_block_size = kArenaBlock;
  google::protobuf::Arena arena(arena_options);
  M* msg = google::protobuf::Arena::CreateMessage<M>(&arena);
  size_t rows_on_arena = 0;
  Status parse_error;
  GLEANER_RETURN_IF_ERROR(
      ScanRange(f, JobPrefix(job), /*bulk=*/true, [&](std::string_view, std::string_view v) {
        if (++rows_on_arena == kRowsPerArena) {
          arena.Reset();
          msg = google::protobuf::Arena::CreateMessage<M>(&arena);
          rows_on_arena = 0;
        }
        if (!msg->ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          parse_error = Status::Corruption(std::string("unreadable row in ") + FamilyName(f));
          return false;
        }
        return visit(*msg);
      }));
  return parse_error;
}

Status StoreReader::ListRuns(std::string_view job, std::vector<v1::CrawlRun>* runs) {
  runs->clear();
  Status parse_error;
  GLEANER_RETURN_IF_ERROR(
      ScanPrefix(Family::kRuns, JobPrefix(job), [&](std::string_view, std::string_view v) {
        v1::CrawlRun run;
        if (!run.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          parse_error = Status::Corruption("job '" + std::string(job) + "': unreadable run row");
          return false;
        }
        runs->push_back(std::move(run));
        return true;
      }));
  return parse_error;
}

Status StoreReader::ResolveRun(std::string_view job, uint32_t requested, uint32_t* run) {
  std::vector<v1::CrawlRun> runs;
  GLEANER_RETURN_IF_ERROR(ListRuns(job, &runs));
  if (requested != 0) {
    for (const auto& r : runs) {
      if (r.number() == requested) {
        *run = requested;
        return Status::OK();
      }
    }
    std::string have = runs.empty() ? "it has no runs"
                       : runs.size() == 1
                           ? "it has run 1"
                           : "it has runs 1 to " + std::to_string(runs.back().number());
    return Status::NotFound("job '" + std::string(job) + "' has no run " +
                            std::to_string(requested) + " (" + have + ")");
  }
  if (runs.empty()) {
    *run = kCurrentRecords;
    return Status::OK();
  }
  *run = runs.back().number();
  for (auto r = runs.rbegin(); r != runs.rend(); ++r) {
    if (r->end() != v1::CrawlRun::OPEN && r->end() != v1::CrawlRun::NOTHING_FETCHED) {
      *run = r->number();
      break;
    }
  }
  return Status::OK();
}

Status StoreReader::ScanRecords(std::string_view job, const Visitor<v1::Record>& visit) {
  return ScanRecords(job, 0, visit);
}

Status StoreReader::ScanRecords(std::string_view job, uint32_t run,
                                const Visitor<v1::Record>& visit) {
  if (run == 0) GLEANER_RETURN_IF_ERROR(ResolveRun(job, 0, &run));
  return ScanJobFamily<v1::Record>(Family::kRecords, job, [&](const v1::Record& record) {
    return !ValidAsOf(record, run) || visit(record);
  });
}

template <typename M>
Status StoreReader::ScanUrlTag(std::string_view job, char tag,
                               const std::function<bool(std::string_view url, const M&)>& visit) {
  const std::string prefix = JobPrefix(job);
  M value;
  Status parse_error;
  GLEANER_RETURN_IF_ERROR(
      ScanRange(Family::kUrls, prefix, /*bulk=*/true, [&](std::string_view k, std::string_view v) {
        if (UrlKeyTag(k) != tag) return true;
        if (!value.ParseFromArray(v.data(), static_cast<int>(v.size()))) {
          parse_error = Status::Corruption("job '" + std::string(job) + "': unreadable " +
                                           value.GetTypeName() + " of a URL");
          return false;
        }
        return visit(k.substr(prefix.size(), k.size() - prefix.size() - 2), value);
      }));
  return parse_error;
}

Status StoreReader::ScanUrlStates(
    std::string_view job,
    const std::function<bool(std::string_view url, const v1::UrlState&)>& visit) {
  return ScanUrlTag(job, 'm', visit);
}

Status StoreReader::ScanPageLinks(
    std::string_view job,
    const std::function<bool(std::string_view url, const v1::PageLinks&)>& visit) {
  return ScanUrlTag(job, 'l', visit);
}

Status StoreReader::ScanPages(std::string_view job, const Visitor<v1::Page>& visit) {
  return ScanJobFamily(Family::kPages, job, visit);
}

Status StoreReader::ScanErrors(std::string_view job, const Visitor<v1::FetchError>& visit) {
  return ScanJobFamily(Family::kErrors, job, visit);
}

Status StoreReader::GetBySeq(Family f, std::string_view job, std::string_view seq_be,
                             google::protobuf::MessageLite* msg) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string key = JobPrefix(job);
  key.append(seq_be);
  std::string value;
  rocksdb::Status s = store_->db()->Get(ro, store_->handle(f), key, &value);
  if (s.IsNotFound()) {
    return Status::Corruption(std::string("URL index points at a missing row in ") + FamilyName(f) +
                              " in store " + store_->dir());
  }
  GLEANER_RETURN_IF_ERROR(
      FromRocks(s, std::string("reading ") + FamilyName(f) + " in store " + store_->dir()));
  if (!msg->ParseFromString(value)) {
    return Status::Corruption(std::string("unreadable row in ") + FamilyName(f));
  }
  return Status::OK();
}

Status StoreReader::ScanRecordsWithUrlPrefix(std::string_view job, std::string_view url_prefix,
                                             const Visitor<v1::Record>& visit) {
  Status row_error;
  v1::Record record;
  GLEANER_RETURN_IF_ERROR(ScanPrefix(
      Family::kUrls, UrlPrefix(job, url_prefix), [&](std::string_view k, std::string_view v) {
        if (UrlKeyTag(k) != 'r') return true;
        row_error = GetBySeq(Family::kRecords, job, v, &record);
        return row_error.ok() && (record.valid_to_run() != 0 || visit(record));
      }));
  return row_error;
}

Status StoreReader::GetUrl(std::string_view job, std::string_view url,
                           std::vector<v1::Record>* records, v1::Page* page, v1::UrlState* state) {
  records->clear();
  if (state) state->Clear();
  bool found_state = false;
  std::string prefix = UrlPrefix(job, url);
  prefix.push_back('\0');
  Status row_error;
  bool found_page = false;
  v1::Record record;
  GLEANER_RETURN_IF_ERROR(
      ScanPrefix(Family::kUrls, prefix, [&](std::string_view k, std::string_view v) {
        if (k.size() != prefix.size() + 1 && k.size() != prefix.size() + 5) return true;
        const char tag = UrlKeyTag(k);
        if (tag == 'p') {
          found_page = true;
          if (page) row_error = GetBySeq(Family::kPages, job, v, page);
        } else if (tag == 'r') {
          row_error = GetBySeq(Family::kRecords, job, v, &record);
          if (row_error.ok() && record.valid_to_run() == 0) records->push_back(record);
        } else if (tag == 'm') {
          found_state = state != nullptr;
          if (state && !state->ParseFromArray(v.data(), static_cast<int>(v.size()))) {
            row_error = Status::Corruption("job '" + std::string(job) + "': unreadable URL state");
          }
        }
        return row_error.ok();
      }));
  GLEANER_RETURN_IF_ERROR(row_error);
  if (records->empty() && !found_page && !found_state) {
    return Status::NotFound("no records or page for " + std::string(url) + " in job '" +
                            std::string(job) + "'");
  }
  if (page && found_page && page->body_codec() == v1::BODY_ZSTD) {
    std::string body;
    GLEANER_RETURN_IF_ERROR(DecompressBody(page->body(), kMaxStoredBody, &body));
    page->set_body(std::move(body));
    page->set_body_codec(v1::BODY_IDENTITY);
  }
  return Status::OK();
}

Status StoreReader::Stats(std::vector<FamilyStats>* stats) {
  stats->clear();
  for (int i = 0; i < kFamilyCount; ++i) {
    Family f = static_cast<Family>(i);
    FamilyStats fs;
    fs.name = FamilyName(f);
    GLEANER_RETURN_IF_ERROR(
        ScanRange(f, "", /*bulk=*/true, [&](std::string_view k, std::string_view v) {
          ++fs.keys;
          fs.bytes += k.size() + v.size();
          return true;
        }));
    std::string sst;
    if (store_->db()->GetProperty(store_->handle(f), "rocksdb.total-sst-files-size", &sst)) {
      fs.sst_bytes = std::stoull(sst);
    }
    stats->push_back(std::move(fs));
  }
  return Status::OK();
}

}  // namespace gleaner::storage
