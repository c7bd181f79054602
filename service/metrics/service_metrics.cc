#include "service/metrics/service_metrics.h"

#include <map>
#include <string>

#include "schema/gleaner.pb.h"
#include "service/jobs/job_queue.h"
#include "storage/job_phase.h"
#include "storage/store_reader.h"

namespace gleaner::service {

namespace {

MetricFamily Total(const char* name, const char* help, uint64_t value) {
  return {name, help, MetricType::kCounter, {}, {}, {{{}, static_cast<double>(value), {}, 0}}};
}

// The last comparison of each dataset the server prepared after a run
// (refused ones included), from the outcomes stored in the job states: a
// field gone from the next comparison is gone from the next scrape, so a
// dataset has at most fields × 7 series. Two jobs publishing one dataset: the
// later outcome.
void CollectDrift(const std::vector<v1::JobState>& jobs, std::vector<MetricFamily>* out) {
  std::map<std::string, const v1::PrepareOutcome*> latest;
  for (const auto& j : jobs) {
    const v1::PrepareOutcome& o = j.prepare();
    if (!o.compared()) continue;
    const v1::PrepareOutcome*& slot = latest[o.dataset()];
    if (slot == nullptr || slot->finished_micros() < o.finished_micros()) slot = &o;
  }
  if (latest.empty()) return;  // no family until a dataset has been compared
  MetricFamily verdicts{"gleaner_dataset_drift_verdict",
                        "Verdict of the last drift comparison of a dataset prepared after a run: "
                        "0 none, 1 possible, 2 drift",
                        MetricType::kGauge,
                        {"dataset"},
                        {},
                        {}};
  MetricFamily scores{"gleaner_field_drift",
                      "Scores of each field in the last drift comparison of a dataset prepared "
                      "after a run, as its drift report has them",
                      MetricType::kGauge,
                      {"dataset", "field", "metric"},
                      {},
                      {}};
  for (const auto& [dataset, outcome] : latest) {
    const v1::DriftSummary& drift = outcome->drift();
    const double verdict = drift.verdict() == "drift" ? 2 : drift.verdict() == "possible" ? 1 : 0;
    verdicts.samples.push_back({{dataset}, verdict, {}, 0});
    for (const v1::FieldDrift& field : drift.fields()) {
      // The map's order is unspecified; the exposition's is kept stable.
      std::map<std::string, double> sorted(field.scores().begin(), field.scores().end());
      for (const auto& [metric, value] : sorted) {
        scores.samples.push_back({{dataset, field.field(), metric}, value, {}, 0});
      }
    }
  }
  out->push_back(std::move(verdicts));
  out->push_back(std::move(scores));
}

// One read of every job's state per scrape. A store that cannot be read
// leaves these series out of that scrape rather than reporting zeros.
void CollectJobs(const storage::StagingStore* store, std::vector<MetricFamily>* out) {
  std::vector<v1::JobState> jobs;
  // Every run of every job (the runs family): a run's record changes are
  // counted once, however many runs the job has had since.
  std::vector<v1::CrawlRun> runs;
  {
    storage::StoreReader reader(store);
    if (!reader.ListJobs(&jobs).ok()) return;
    for (const auto& j : jobs) {
      std::vector<v1::CrawlRun> of_job;
      if (!reader.ListRuns(j.name(), &of_job).ok()) return;
      runs.insert(runs.end(), of_job.begin(), of_job.end());
    }
  }
  MetricFamily phases{
      "gleaner_jobs", "Jobs in the store, by phase", MetricType::kGauge, {"phase"}, {}, {}};
  std::map<int, double> by_phase;
  uint64_t pages = 0, not_modified = 0, bytes = 0, errors = 0;
  for (const auto& j : jobs) {
    ++by_phase[j.phase()];
    pages += j.stats().pages_fetched();
    not_modified += j.stats().pages_not_modified();
    bytes += j.stats().bytes_fetched();
    errors += j.error_count();
  }
  uint64_t added = 0, changed = 0, unchanged = 0, removed = 0;
  for (const auto& r : runs) {
    added += r.records_added();
    changed += r.records_changed();
    unchanged += r.records_unchanged();
    removed += r.records_removed();
  }
  // Every phase, 0 included, so a query for one never finds the series missing.
  for (int p = v1::JobPhase_MIN; p <= v1::JobPhase_MAX; ++p) {
    if (!v1::JobPhase_IsValid(p)) continue;
    phases.samples.push_back(
        {{storage::JobPhaseWord(static_cast<v1::JobPhase>(p))}, by_phase[p], {}, 0});
  }
  out->push_back(std::move(phases));
  out->push_back(Total("gleaner_pages_fetched_total", "Pages fetched by all jobs", pages));
  out->push_back(Total("gleaner_pages_not_modified_total",
                       "Pages answered 304 Not Modified to a conditional GET, of all jobs",
                       not_modified));
  out->push_back({"gleaner_run_records_total",
                  "Records of all runs of all jobs, by what the run found against the run "
                  "before: added, changed, unchanged or removed",
                  MetricType::kCounter,
                  {"change"},
                  {},
                  {{{"added"}, static_cast<double>(added), {}, 0},
                   {{"changed"}, static_cast<double>(changed), {}, 0},
                   {{"unchanged"}, static_cast<double>(unchanged), {}, 0},
                   {{"removed"}, static_cast<double>(removed), {}, 0}}});
  out->push_back(Total("gleaner_fetched_bytes_total", "Bytes fetched by all jobs", bytes));
  out->push_back(Total("gleaner_fetch_errors_total", "Fetch errors recorded by all jobs", errors));
  CollectDrift(jobs, out);
}

// What the live workers last reported, one series per worker and counter.
void CollectWorkers(const JobQueue* queue, std::vector<MetricFamily>* out) {
  std::vector<v1::WorkerStats> workers = queue->Workers();
  out->push_back({"gleaner_workers",
                  "Crawl workers that reported in the last 30 s",
                  MetricType::kGauge,
                  {},
                  {},
                  {{{}, static_cast<double>(workers.size()), {}, 0}}});
  auto per_worker = [&](const char* name, const char* help,
                        uint64_t (v1::WorkerStats::*get)() const) {
    MetricFamily family{name, help, MetricType::kCounter, {"worker"}, {}, {}};
    for (const auto& w : workers) {
      family.samples.push_back({{w.id()}, static_cast<double>((w.*get)()), {}, 0});
    }
    out->push_back(std::move(family));
  };
  per_worker("gleaner_worker_pages_total", "Pages fetched by a worker since it started",
             &v1::WorkerStats::pages);
  per_worker("gleaner_worker_records_total", "Records extracted by a worker since it started",
             &v1::WorkerStats::records);
  per_worker("gleaner_worker_errors_total", "Fetch errors of a worker since it started",
             &v1::WorkerStats::errors);
}

}  // namespace

ServiceMetrics AddServiceMetrics(MetricsRegistry* registry, const storage::StagingStore* store,
                                 const JobQueue* workers) {
  registry->AddCollector([store](std::vector<MetricFamily>* out) { CollectJobs(store, out); });
  if (workers != nullptr) {
    registry->AddCollector(
        [workers](std::vector<MetricFamily>* out) { CollectWorkers(workers, out); });
  }
  ServiceMetrics metrics;
  metrics.records_ingested = registry->AddCounter("gleaner_records_ingested_total",
                                                  "Records received through IngestService.Ingest");
  metrics.records_pulled = registry->AddCounter("gleaner_records_pulled_total",
                                                "Records streamed by DatasetService.PullDataset");
  return metrics;
}

}  // namespace gleaner::service
