#include "crawler/engine/store_crawl_output.h"

#include "common/coding.h"

namespace gleaner::crawler {

namespace {

std::string RobotsCacheKey(const std::string& host_key) { return "robots\0" + host_key; }

}  // namespace

Status StoreCrawlOutput::Open(storage::StagingStore* store, const JobConfig& job,
                              std::unique_ptr<StoreCrawlOutput>* out) {
  std::unique_ptr<StoreCrawlOutput> o(new StoreCrawlOutput(store, job));
  GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store, job.name, &o->writer_));
  RocksDbFrontier::Options fo;
  fo.per_host = job.politeness.per_host;
  fo.delay_micros = static_cast<int64_t>(job.politeness.delay_ms) * 1000;
  GLEANER_RETURN_IF_ERROR(RocksDbFrontier::Open(o->writer_.get(), fo, &o->frontier_));
  *out = std::move(o);
  return Status::OK();
}

Status StoreCrawlOutput::Begin(const std::vector<v1::FrontierItem>& seeds, bool* already_complete) {
  v1::JobState* state = writer_->mutable_state();
  v1::CrawlRun* run = state->mutable_run();
  // A store written before runs were kept says so by the phase alone.
  const bool run_ended = run->end() != v1::CrawlRun::OPEN || state->phase() == v1::JOB_SUCCEEDED;
  const bool run_failed = run->end() == v1::CrawlRun::NOTHING_FETCHED;
  *already_complete = run_ended && !run_failed && frontier_->seeded() && frontier_->Done();
  if (*already_complete) {
    // A server that queued the job again marked it pending meanwhile.
    if (state->phase() == v1::JOB_SUCCEEDED) return Status::OK();
    state->set_phase(v1::JOB_SUCCEEDED);
    return Commit();
  }
  if (!frontier_->seeded()) {
    size_t added = 0;
    GLEANER_RETURN_IF_ERROR(frontier_->Push(seeds, &added));
    frontier_->MarkSeeded();
  } else if (run_failed) {
    frontier_->Requeue(seeds);
  }
  if (run_ended) run->Clear();  // this is the next run
  state->set_phase(v1::JOB_RUNNING);
  state->set_message("");
  state->mutable_spec()->set_name(job_.name);
  state->mutable_spec()->set_source_path(job_.source_path);
  return Commit();
}

Status StoreCrawlOutput::End(double duration_s) {
  v1::JobState* state = writer_->mutable_state();
  state->mutable_stats()->set_duration_s(state->stats().duration_s() + duration_s);
  switch (state->run().end()) {
    case v1::CrawlRun::OPEN:  // interrupted: stays running, to be continued
      break;
    case v1::CrawlRun::NOTHING_FETCHED:
      state->set_phase(v1::JOB_FAILED);
      state->set_message(state->run().end_reason());
      break;
    default:
      state->set_phase(v1::JOB_SUCCEEDED);
      state->set_message(state->run().end_reason());
      break;
  }
  return Commit();
}

Status StoreCrawlOutput::GetRobots(const std::string& host_key, int64_t ttl_micros,
                                   std::string* rules) {
  std::string cached;
  GLEANER_RETURN_IF_ERROR(store_->Get(storage::Family::kMeta, RobotsCacheKey(host_key), &cached));
  if (cached.size() < 8 ||
      storage::NowMicros() - static_cast<int64_t>(DecodeFixed64BE(cached.data())) >= ttl_micros) {
    return Status::NotFound("robots rules of " + host_key + " expired");
  }
  rules->assign(cached, 8);
  return Status::OK();
}

Status StoreCrawlOutput::PutRobots(const std::string& host_key, const std::string& rules,
                                   int64_t /*ttl_micros: checked by GetRobots*/) {
  std::string cached;
  PutFixed64BE(&cached, static_cast<uint64_t>(storage::NowMicros()));
  cached += rules;
  writer_->batch()->Put(storage::Family::kMeta, RobotsCacheKey(host_key), cached);
  return Status::OK();
}

Status StoreCrawlOutput::Finish(const Lease& lease) {
  GLEANER_RETURN_IF_ERROR(frontier_->Complete(lease));
  // One WAL write per group of pages instead of per page.
  int64_t now = storage::NowMicros();
  if (held_pages_++ == 0) first_held_micros_ = now;
  if (held_pages_ < kPagesPerCommit && now - first_held_micros_ < kMaxHoldMicros) {
    return Status::OK();
  }
  return Commit();
}

Status StoreCrawlOutput::Flush(bool* items_released) {
  *items_released = frontier_->has_uncommitted_items();
  if (held_pages_ == 0 && !*items_released) return Status::OK();
  return Commit();
}

Status StoreCrawlOutput::Commit() {
  GLEANER_RETURN_IF_ERROR(frontier_->Commit());
  held_pages_ = 0;
  return Status::OK();
}

}  // namespace gleaner::crawler
