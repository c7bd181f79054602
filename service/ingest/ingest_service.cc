#include "service/ingest/ingest_service.h"

#include <rocksdb/db.h>

#include <memory>
#include <unordered_set>

#include "crawler/engine/finished_page.h"
#include "service/client/grpc_status.h"
#include "storage/job_phase.h"
#include "storage/job_writer.h"
#include "storage/keys.h"
#include "storage/store_reader.h"

namespace gleaner::service {

namespace {

// What `gleaner jobs status` shows for a job that Ingest created.
const char* kIngestedJobMessage = "created by IngestService: records fed by a producer";

}  // namespace

grpc::Status IngestServiceImpl::Ingest(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::IngestAck, v1::IngestBatch>* stream) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  // One batch at a time: the next is read only once this one is acked, so a
  // producer faster than the store waits in gRPC's flow control.
  v1::IngestBatch batch;
  while (stream->Read(&batch)) {
    if (batch.records_size() > kMaxIngestBatchRecords) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          BatchName(batch) + ": " + std::to_string(batch.records_size()) +
                              " records; at most " + std::to_string(kMaxIngestBatchRecords) +
                              " per batch");
    }
    v1::IngestAck ack;
    if (Status s = Store(&batch, &ack); !s.ok()) return ToGrpc(s);
    records_ingested_->Increment(ack.stored());
    if (!stream->Write(ack)) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
    }
  }
  return grpc::Status::OK;
}

namespace {

// One page a worker finished in the job's open run, stored as a crawl in this
// process stores it, by `recrawl` at `now_micros`. A page the run stored
// already (resent, or fetched again after its worker died holding the lease)
// is skipped.
Status StorePage(storage::JobWriter* writer, const crawler::RecrawlPolicy& recrawl,
                 int64_t now_micros, const v1::PageDone& page,
                 const std::vector<const v1::Record*>& records, v1::IngestAck* ack) {
  v1::UrlState url_state;
  Status known = writer->ReadUrlState(page.url(), &url_state);
  if (!known.ok() && !known.IsNotFound()) return known;
  if (known.ok() && url_state.last_run() == writer->state().run().number()) {
    ack->set_duplicates(ack->duplicates() + records.size());
    return Status::OK();
  }
  if (page.has_error()) return crawler::StoreFailedPage(writer, page.item(), page.error());
  if (page.not_modified()) {
    // The worker's engine counted the page; the job's counts are these.
    v1::JobState* state = writer->mutable_state();
    state->mutable_run()->set_pages_not_modified(state->run().pages_not_modified() + 1);
    state->mutable_stats()->set_pages_not_modified(state->stats().pages_not_modified() + 1);
    return crawler::StoreNotModifiedPage(
        writer, recrawl, now_micros, page.url(),
        crawler::Validators{page.item().etag(), page.item().last_modified()});
  }
  std::vector<v1::Record> rows;
  rows.reserve(records.size());
  for (const v1::Record* r : records) rows.push_back(*r);
  GLEANER_RETURN_IF_ERROR(
      crawler::StoreFetchedPage(writer, recrawl, now_micros, page.item(), page.url(), rows));
  // Stored as of the run, whether written now or unchanged since before.
  ack->set_stored(ack->stored() + rows.size());
  return Status::OK();
}

}  // namespace

Status IngestServiceImpl::Store(v1::IngestBatch* batch, v1::IngestAck* ack) {
  IngestPages pages;
  GLEANER_RETURN_IF_ERROR(CompleteIngestBatch(batch, storage::NowMicros(), &pages));
  ack->set_batch_id(batch->batch_id());
  bool wrote = false;
  Status s = runner_->WriteIdle(batch->job(), [&](const crawler::JobConfig* published) -> Status {
    std::string ignored;
    Status known = store_->Get(storage::Family::kJobs, batch->job(), &ignored);
    if (!known.ok() && !known.IsNotFound()) return known;
    std::unique_ptr<storage::JobWriter> writer;
    GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store_, batch->job(), &writer));
    if (known.IsNotFound()) {
      // Nothing will crawl it: its records are complete as far as the server
      // knows, ready for pull and prepare.
      writer->mutable_state()->set_phase(v1::JOB_SUCCEEDED);
      writer->mutable_state()->set_message(kIngestedJobMessage);
    }
    // A job that keeps no runs (not published by this server's board) takes
    // a worker's records as any producer's, and its errors.
    const bool keeps_runs = writer->state().run().number() != 0;
    const crawler::RecrawlPolicy recrawl = published ? published->recrawl : crawler::RecrawlPolicy();
    const int64_t now = clock_();
    if (!keeps_runs) {
      pages.loose.clear();
      for (const v1::Record& r : batch->records()) pages.loose.push_back(&r);
    }
    std::unordered_set<std::string> keys;
    std::string seq;
    for (const v1::Record* r : pages.loose) {
      std::string key = storage::UrlRecordKey(r->job(), r->source_url(), r->index_in_page());
      bool duplicate = !keys.insert(key).second;
      if (!duplicate) {
        Status stored = store_->Get(storage::Family::kUrls, key, &seq);
        if (!stored.ok() && !stored.IsNotFound()) return stored;
        duplicate = stored.ok();
      }
      if (duplicate) {
        ack->set_duplicates(ack->duplicates() + 1);
        continue;
      }
      GLEANER_RETURN_IF_ERROR(writer->AddRecord(*r));
      ack->set_stored(ack->stored() + 1);
    }
    for (int i = 0; i < batch->pages_size(); ++i) {
      const v1::PageDone& page = batch->pages(i);
      if (keeps_runs) {
        GLEANER_RETURN_IF_ERROR(StorePage(writer.get(), recrawl, now, page, pages.page_records[i], ack));
      } else if (page.has_error()) {
        GLEANER_RETURN_IF_ERROR(writer->AddError(page.error()));
      }
    }
    if (writer->pending_rows() == 0 && batch->pages_size() == 0 && known.ok()) {
      return Status::OK();
    }
    wrote = true;
    return writer->Commit();
  });
  if (!s.ok()) return s.Annotate(BatchName(*batch));
  if (!wrote) return Status::OK();
  // The store writes with the WAL but does not fsync it; the producer may drop
  // its copy once acked, so the ack waits for the WAL to reach the disk.
  rocksdb::Status synced = store_->db()->SyncWAL();
  if (!synced.ok()) return Status::IOError(BatchName(*batch) + ": " + synced.ToString());
  return Status::OK();
}

grpc::Status IngestServiceImpl::Stats(grpc::ServerContext* context, const v1::StatsRequest*,
                                      v1::StatsResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  std::vector<v1::JobState> jobs;
  {
    storage::StoreReader reader(store_);
    if (Status s = reader.ListJobs(&jobs); !s.ok()) return ToGrpc(s);
  }
  auto& by_phase = *response->mutable_jobs_by_phase();
  for (const auto& j : jobs) {
    ++by_phase[storage::JobPhaseWord(j.phase())];
    response->set_records(response->records() + j.record_count());
    response->set_pages(response->pages() + j.page_count());
    response->set_errors(response->errors() + j.error_count());
  }
  response->set_queued(runner_->QueueLength());
  response->set_running(runner_->RunningJob());
  for (auto& w : runner_->Workers()) *response->add_workers() = std::move(w);
  return grpc::Status::OK;
}

}  // namespace gleaner::service
