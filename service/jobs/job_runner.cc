#include "service/jobs/job_runner.h"

#include <algorithm>
#include <memory>

#include "storage/job_writer.h"
#include "storage/store_reader.h"

namespace gleaner::service {

JobRunner::JobRunner(storage::StagingStore* store, crawler::CrawlOptions crawl, Logger* log,
                     PrepareAfterRun* prepare)
    : store_(store), crawl_(std::move(crawl)), log_(log), prepare_(prepare) {}

JobRunner::~JobRunner() { Shutdown(); }

Status JobRunner::Start() {
  std::vector<v1::JobState> jobs;
  {
    storage::StoreReader reader(store_);
    GLEANER_RETURN_IF_ERROR(reader.ListJobs(&jobs));
  }
  // Oldest submission first, as they were queued.
  std::sort(jobs.begin(), jobs.end(), [](const v1::JobState& a, const v1::JobState& b) {
    return a.created_micros() < b.created_micros();
  });
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& state : jobs) {
    bool interrupted = state.phase() == v1::JOB_PENDING || state.phase() == v1::JOB_RUNNING;
    // Jobs crawled by `gleaner crawl` have no stored YAML; they are not the server's.
    if (!interrupted || state.spec().yaml().empty()) continue;
    Entry entry{state.name(), {}};
    Status s = ParseJobSpec(state.spec(), &entry.config);
    if (!s.ok()) {
      GLEANER_RETURN_IF_ERROR(WritePhase(state.name(), v1::JOB_FAILED, s.message(), nullptr));
      continue;
    }
    queue_.push_back(std::move(entry));
    if (log_) log_->Info("job interrupted; queued to resume", {{"job", state.name()}});
  }
  worker_ = std::thread([this] { Work(); });
  return Status::OK();
}

bool JobRunner::IsQueued(const std::string& name) const {
  return std::any_of(queue_.begin(), queue_.end(), [&](const Entry& e) { return e.name == name; });
}

Status JobRunner::Submit(const crawler::JobConfig& job, const std::string& yaml,
                         uint32_t* queue_position) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return Status::Unavailable("the server is shutting down");
  if (running_ == job.name || IsQueued(job.name)) {
    return Status::FailedPrecondition("job '" + job.name + "' is already " +
                                      (running_ == job.name ? "running" : "queued"));
  }
  const v1::JobSpec spec = JobSpecOf(job, yaml);
  GLEANER_RETURN_IF_ERROR(WritePhase(job.name, v1::JOB_PENDING, "", &spec));
  queue_.push_back({job.name, job});
  *queue_position = static_cast<uint32_t>(queue_.size());
  cv_.notify_all();
  return Status::OK();
}

Status JobRunner::WritePhase(const std::string& name, v1::JobPhase phase,
                             const std::string& message, const v1::JobSpec* spec) {
  return WriteJobPhase(store_, name, phase, message, spec);
}

Status JobRunner::Cancel(const std::string& name, Deadline deadline) {
  return Stop(name, StopReason::kCancel, deadline);
}

Status JobRunner::Pause(const std::string& name, Deadline deadline) {
  return Stop(name, StopReason::kPause, deadline);
}

Status JobRunner::Stop(const std::string& name, StopReason reason, Deadline deadline) {
  const v1::JobPhase target = reason == StopReason::kCancel ? v1::JOB_CANCELLED : v1::JOB_PAUSED;
  const char* verb = reason == StopReason::kCancel ? "cancelled" : "paused";
  std::unique_lock<std::mutex> lock(mu_);
  if (running_ == name) {
    if (stop_reason_ == StopReason::kNone) {
      stop_reason_ = reason;
      if (engine_ != nullptr) engine_->Stop();  // else RunOne stops it as it starts
    }
    // The crawl commits its in-flight pages before Run returns; Work then
    // writes the phase.
    cv_.wait_until(lock, deadline, [&] { return running_ != name; });
    return Status::OK();
  }
  auto it =
      std::find_if(queue_.begin(), queue_.end(), [&](const Entry& e) { return e.name == name; });
  if (it != queue_.end()) {
    queue_.erase(it);
    return WritePhase(name, target, "", nullptr);
  }
  v1::JobState state;
  {
    storage::StoreReader reader(store_);
    GLEANER_RETURN_IF_ERROR(reader.GetJob(name, &state));
  }
  if (reason == StopReason::kCancel && state.phase() == v1::JOB_PAUSED) {
    return WritePhase(name, target, "", nullptr);
  }
  return Status::FailedPrecondition("job '" + name +
                                    "' is neither queued nor running; it cannot be " + verb);
}

Status JobRunner::Resume(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return Status::Unavailable("the server is shutting down");
  v1::JobState state;
  {
    storage::StoreReader reader(store_);
    GLEANER_RETURN_IF_ERROR(reader.GetJob(name, &state));
  }
  if (running_ == name || IsQueued(name) || state.phase() != v1::JOB_PAUSED) {
    return Status::FailedPrecondition("job '" + name + "' is not paused");
  }
  if (state.spec().yaml().empty()) {
    return Status::FailedPrecondition("job '" + name +
                                      "' was not submitted to this server; submit it instead");
  }
  Entry entry{name, {}};
  GLEANER_RETURN_IF_ERROR(ParseJobSpec(state.spec(), &entry.config));
  GLEANER_RETURN_IF_ERROR(WritePhase(name, v1::JOB_PENDING, "", nullptr));
  queue_.push_back(std::move(entry));
  cv_.notify_all();
  return Status::OK();
}

Status JobRunner::WriteIdle(const std::string& name, const IdleWrite& write) {
  // mu_ is held while a crawl is picked and while phases are written, so
  // holding it here keeps every other writer of `name` out.
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ == name) {
    return Status::FailedPrecondition("job '" + name + "' is crawling in this server");
  }
  return write(nullptr);
}

uint32_t JobRunner::QueuePosition(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < queue_.size(); ++i) {
    if (queue_[i].name == name) return static_cast<uint32_t>(i + 1);
  }
  return 0;
}

uint32_t JobRunner::QueueLength() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<uint32_t>(queue_.size());
}

std::string JobRunner::RunningJob() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

void JobRunner::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    if (!running_.empty() && stop_reason_ == StopReason::kNone) {
      stop_reason_ = StopReason::kShutdown;
      if (engine_ != nullptr) engine_->Stop();
    }
    cv_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

void JobRunner::Work() {
  for (;;) {
    Entry entry;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return shutting_down_ || !queue_.empty(); });
      if (shutting_down_) return;
      entry = std::move(queue_.front());
      queue_.pop_front();
      running_ = entry.name;
      stop_reason_ = StopReason::kNone;
    }
    RunOne(std::move(entry));
  }
}

void JobRunner::RunOne(Entry entry) {
  crawler::CrawlEngine engine(store_, entry.config, crawl_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) {  // stays pending; the next Start runs it
      running_.clear();
      cv_.notify_all();
      return;
    }
    engine_ = &engine;
    // Cancelled or paused between leaving the queue and getting here.
    if (stop_reason_ != StopReason::kNone) engine.Stop();
  }
  if (log_) log_->Info("job started", {{"job", entry.name}});
  crawler::CrawlSummary summary;
  Status run = engine.Run(&summary);
  StopReason stop;
  {
    std::lock_guard<std::mutex> lock(mu_);
    engine_ = nullptr;
    stop = stop_reason_;  // a Cancel or Pause from now on finds the crawl over
  }
  if (run.ok() && stop == StopReason::kNone && !summary.stopped && !summary.failed) {
    PrepareDataset(entry, summary.run.number());
  }

  std::lock_guard<std::mutex> lock(mu_);
  Status written;
  if (!run.ok()) {
    written = WritePhase(entry.name, v1::JOB_FAILED, run.message(), nullptr);
  } else if (stop == StopReason::kCancel) {
    written = WritePhase(entry.name, v1::JOB_CANCELLED, "", nullptr);
  } else if (stop == StopReason::kPause) {
    written = WritePhase(entry.name, v1::JOB_PAUSED, "", nullptr);
  }
  // A run that ended by itself wrote its phase with its last pages: succeeded
  // (its frontier empty, or max_pages reached) or failed (no page fetched),
  // with the reason. kShutdown leaves the phase at running: the next Start
  // resumes the job.
  if (log_) {
    std::vector<LogField> fields = {{"job", entry.name},
                                    {"pages", summary.pages_fetched},
                                    {"records", summary.records},
                                    {"errors", summary.errors}};
    // A scheduled firing is a run: say which, and what it found changed.
    if (const v1::CrawlRun& r = summary.run; r.number() != 0) {
      fields.insert(fields.end(), {{"run", r.number()},
                                   {"not_modified", r.pages_not_modified()},
                                   {"added", r.records_added()},
                                   {"changed", r.records_changed()},
                                   {"unchanged", r.records_unchanged()},
                                   {"removed", r.records_removed()}});
    }
    if (!run.ok()) fields.emplace_back("error", run.message());
    if (!summary.end_reason.empty()) fields.emplace_back("reason", summary.end_reason);
    if (!written.ok()) fields.emplace_back("phase_write_error", written.message());
    log_->Log(run.ok() && written.ok() && !summary.failed ? LogLevel::kInfo : LogLevel::kError,
              summary.stopped ? "job stopped" : (summary.failed ? "job failed" : "job ended"),
              fields);
  }
  running_.clear();
  cv_.notify_all();
}

void JobRunner::PrepareDataset(const Entry& entry, uint32_t run) {
  if (prepare_ == nullptr || entry.config.prepare_rules_yaml.empty()) return;
  if (log_) log_->Info("preparing the job's dataset", {{"job", entry.name}, {"run", run}});
  v1::PrepareOutcome outcome = prepare_->Prepare(entry.config, run);
  std::unique_ptr<storage::JobWriter> writer;
  Status written = storage::JobWriter::Open(store_, entry.name, &writer);
  if (written.ok()) {
    *writer->mutable_state()->mutable_prepare() = outcome;
    written = writer->Commit();
  }
  if (!log_) return;
  std::vector<LogField> fields = {{"job", entry.name}, {"dataset", outcome.dataset()}};
  if (!outcome.error().empty()) fields.emplace_back("error", outcome.error());
  if (!outcome.version().empty()) fields.emplace_back("version", outcome.version());
  if (!outcome.summary().empty()) fields.emplace_back("monitor", outcome.summary());
  if (!written.ok()) fields.emplace_back("outcome_write_error", written.message());
  const bool fine = outcome.error().empty() && written.ok();
  log_->Log(fine ? LogLevel::kInfo : LogLevel::kError,
            outcome.published() ? "dataset published"
                                : (fine ? "dataset refused for its drift" : "dataset not prepared"),
            fields);
}

}  // namespace gleaner::service
