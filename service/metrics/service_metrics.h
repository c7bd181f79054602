// The series of `gleaner serve` beyond its gRPC calls: jobs by phase and the
// crawl totals (records changed by the runs included), read from the store's job states at each scrape (so they are
// right after a restart too), and the record counters the services bump as
// they ingest and stream records; with workers (serve --redis), what each
// reported. Thread-safe.
#pragma once

#include "service/metrics/metrics_registry.h"

namespace gleaner::storage {
class StagingStore;
}

namespace gleaner::service {

class JobQueue;

// What services increment; owned by the server's registry.
struct ServiceMetrics {
  Counter* records_ingested = nullptr;  // gleaner_records_ingested_total
  Counter* records_pulled = nullptr;    // gleaner_records_pulled_total
};

// Adds gleaner_jobs{phase}, gleaner_pages_fetched_total,
// gleaner_pages_not_modified_total, gleaner_run_records_total{change},
// gleaner_fetched_bytes_total, gleaner_fetch_errors_total, and the last drift
// of each dataset prepared after a run, gleaner_dataset_drift_verdict{dataset}
// and gleaner_field_drift{dataset,field,metric} (collected from
// `store`, which must outlive the registry's last Render) and the two
// counters it returns. With `workers` (may be null; must outlive the
// registry's last Render), also gleaner_workers and, per worker id,
// gleaner_worker_{pages,records,errors}_total.
ServiceMetrics AddServiceMetrics(MetricsRegistry* registry, const storage::StagingStore* store,
                                 const JobQueue* workers = nullptr);

}  // namespace gleaner::service
