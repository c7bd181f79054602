// IngestServiceImpl: the IngestService of schema/gleaner_service.proto, the way
// remote crawl workers and other producers put records into the staging
// store. Ingest reads one batch, stores it in one atomic commit (skipping
// records whose (job, source_url, index_in_page) is stored already), syncs the
// WAL and acks it before reading the next, so an ack means the batch survives
// a crash and a slow store back-pressures the producer through gRPC flow
// control. A worker's page of a job's run moves its URL's state as a crawl in
// this process would (crawler/engine/finished_page.h), by the revisit policy
// of the job as published (JobQueue::WriteIdle) and `clock`. A job crawling
// in this server refuses ingest (FAILED_PRECONDITION);
// a job that does not exist is created as succeeded. Stats sums the store's
// job states, the job queue, and the workers it knows (serve --redis).
// Thread-safe.
#pragma once

#include <functional>

#include "schema/gleaner_service.grpc.pb.h"
#include "service/ingest/ingest_batch.h"
#include "service/jobs/job_queue.h"
#include "service/metrics/metrics_registry.h"
#include "service/security/bearer_token.h"
#include "storage/job_writer.h"  // NowMicros
#include "storage/staging_store.h"

namespace gleaner::service {

class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  // `records_ingested` counts the records stored (not the duplicates); it
  // must outlive the service. `clock` (Unix micros) times the pages' fetches
  // in their URLs' revisit schedules; null: the system clock.
  IngestServiceImpl(storage::StagingStore* store, JobQueue* runner, const BearerTokenCheck* auth,
                    Counter* records_ingested, std::function<int64_t()> clock = nullptr)
      : store_(store),
        runner_(runner),
        auth_(auth),
        records_ingested_(records_ingested),
        clock_(clock ? std::move(clock) : storage::NowMicros) {}

  // A bad batch (job name, size) or record (no source_url, another job's,
  // NUL in the URL) ends the stream with an error naming the batch id and
  // record index; it writes nothing, and the batches acked before it stay.
  grpc::Status Ingest(grpc::ServerContext* context,
                      grpc::ServerReaderWriter<v1::IngestAck, v1::IngestBatch>* stream) override;
  grpc::Status Stats(grpc::ServerContext* context, const v1::StatsRequest* request,
                     v1::StatsResponse* response) override;

 private:
  // Validates and fills in `batch`'s records, then stores the new ones.
  Status Store(v1::IngestBatch* batch, v1::IngestAck* ack);

  storage::StagingStore* store_;
  JobQueue* runner_;
  const BearerTokenCheck* auth_;
  Counter* records_ingested_;
  const std::function<int64_t()> clock_;
};

}  // namespace gleaner::service
