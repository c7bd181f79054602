#include "service/jobs/job_scheduler.h"

#include "crawler/job/job_parser.h"
#include "service/jobs/job_queue.h"
#include "storage/store_reader.h"

namespace gleaner::service {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

const std::string kSchedulePrefix("schedule\0", 9);

int64_t ToMicros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

JobScheduler::JobScheduler(storage::StagingStore* store, SubmitFn submit, Logger* log, Clock clock)
    : store_(store),
      submit_(std::move(submit)),
      log_(log),
      clock_(std::move(clock)),
      // Cron has minute resolution, so rechecking the system clock once a
      // minute also absorbs its jumps.
      recheck_(clock_ ? kSetClockRecheck : std::chrono::minutes(1)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

JobScheduler::~JobScheduler() { Shutdown(); }

Status JobScheduler::Load() {
  std::vector<v1::Schedule> stored;
  storage::StoreReader reader(store_);
  Status unreadable;
  Status scan = reader.ScanPrefix(
      storage::Family::kMeta, kSchedulePrefix, [&](std::string_view key, std::string_view value) {
        stored.emplace_back();
        if (stored.back().ParseFromArray(value.data(), static_cast<int>(value.size()))) return true;
        unreadable = Status::Corruption("unreadable schedule '" +
                                        std::string(key.substr(kSchedulePrefix.size())) +
                                        "' in store " + store_->dir());
        return false;
      });
  GLEANER_RETURN_IF_ERROR(scan);
  GLEANER_RETURN_IF_ERROR(unreadable);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& schedule : stored) {
    Entry entry;
    Status s = crawler::ParseCron(schedule.cron(), &entry.cron);
    if (!s.ok()) return Status::Corruption("schedule of " + schedule.name() + ": " + s.message());
    entry.schedule = std::move(schedule);
    entries_[entry.schedule.name()] = std::move(entry);
  }
  return Status::OK();
}

Status JobScheduler::Start() {
  GLEANER_RETURN_IF_ERROR(Load());
  RunDue();
  thread_ = std::thread([this] { Loop(); });
  return Status::OK();
}

Status JobScheduler::Persist(const v1::Schedule& schedule) {
  storage::StoreBatch batch(store_);
  batch.Put(storage::Family::kMeta, kSchedulePrefix + schedule.name(),
            schedule.SerializeAsString());
  return store_->Write(batch);
}

Status JobScheduler::Add(const crawler::JobConfig& job, const std::string& yaml,
                         const std::string& cron, v1::Schedule* added) {
  std::string text = cron.empty() ? job.schedule : cron;
  if (text.empty()) {
    return Status::InvalidArgument("cron: the request names none and job '" + job.name +
                                   "' has no schedule");
  }
  Entry entry;
  GLEANER_RETURN_IF_ERROR(crawler::ParseCron(text, &entry.cron).Annotate("cron"));
  TimePoint now = clock_();
  std::optional<TimePoint> next = entry.cron.NextAfter(now);
  if (!next) return Status::InvalidArgument("cron: \"" + text + "\" never fires");
  v1::Schedule& s = entry.schedule;
  s.set_name(job.name);
  s.set_cron(text);
  *s.mutable_spec() = JobSpecOf(job, yaml);
  s.set_next_run_micros(ToMicros(*next));
  s.set_created_micros(ToMicros(now));
  std::lock_guard<std::mutex> lock(mu_);
  GLEANER_RETURN_IF_ERROR(Persist(s));
  *added = s;
  entries_[job.name] = std::move(entry);
  cv_.notify_all();
  return Status::OK();
}

Status JobScheduler::Remove(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.erase(name) == 0) return Status::NotFound("no schedule for job '" + name + "'");
  storage::StoreBatch batch(store_);
  batch.Delete(storage::Family::kMeta, kSchedulePrefix + name);
  cv_.notify_all();
  return store_->Write(batch);
}

std::vector<v1::Schedule> JobScheduler::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<v1::Schedule> out;
  for (const auto& [name, entry] : entries_) out.push_back(entry.schedule);
  return out;
}

void JobScheduler::RunDue() {
  std::vector<v1::Schedule> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    TimePoint now = clock_();
    for (auto& [name, entry] : entries_) {
      v1::Schedule& s = entry.schedule;
      if (s.next_run_micros() > ToMicros(now)) continue;
      // Computed from now, not from the missed time: one run for any number
      // of missed periods.
      std::optional<TimePoint> next = entry.cron.NextAfter(now);
      s.set_last_run_micros(ToMicros(now));
      s.set_next_run_micros(next ? ToMicros(*next) : INT64_MAX);
      Status p = Persist(s);
      if (!p.ok() && log_) {
        log_->Error("saving a schedule failed", {{"job", name}, {"error", p.message()}});
      }
      due.push_back(s);
    }
  }
  for (const auto& s : due) {
    crawler::JobConfig job;
    Status r = ParseJobSpec(s.spec(), &job);
    if (r.ok()) r = submit_(job, s.spec().yaml());
    if (log_ && r.ok()) log_->Info("scheduled run queued", {{"job", s.name()}});
    if (log_ && !r.ok()) {
      log_->Warn("scheduled run skipped", {{"job", s.name()}, {"reason", r.message()}});
    }
  }
}

void JobScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!shutting_down_) {
    // Sleeps until the earliest run by clock_, which need not be the system
    // clock, for at most recheck_; a new schedule or shutdown wakes it too.
    int64_t now = ToMicros(clock_());
    int64_t sleep = std::chrono::duration_cast<std::chrono::microseconds>(recheck_).count();
    for (const auto& [name, entry] : entries_) {
      sleep = std::min(sleep, entry.schedule.next_run_micros() - now);
    }
    cv_.wait_for(lock, std::chrono::microseconds(std::max<int64_t>(sleep, 0)));
    if (shutting_down_) break;
    lock.unlock();
    RunDue();
    lock.lock();
  }
}

void JobScheduler::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace gleaner::service
