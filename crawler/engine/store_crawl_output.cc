#include "crawler/engine/store_crawl_output.h"

#include "common/coding.h"
#include "crawler/engine/finished_page.h"
#include "crawler/engine/revisit_plan.h"
#include "crawler/engine/unlinked_sweep.h"
#include "crawler/fetch/validators.h"

namespace gleaner::crawler {

namespace {

std::string RobotsCacheKey(const std::string& host_key) { return "robots\0" + host_key; }

}  // namespace

Status StoreCrawlOutput::Open(storage::StagingStore* store, const JobConfig& job,
                              std::function<int64_t()> clock,
                              std::unique_ptr<StoreCrawlOutput>* out) {
  if (!clock) clock = storage::NowMicros;
  std::unique_ptr<StoreCrawlOutput> o(new StoreCrawlOutput(store, job, std::move(clock)));
  GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store, job.name, &o->writer_));
  RocksDbFrontier::Options fo;
  fo.per_host = job.politeness.per_host;
  fo.delay_micros = static_cast<int64_t>(job.politeness.delay_ms) * 1000;
  GLEANER_RETURN_IF_ERROR(RocksDbFrontier::Open(o->writer_.get(), fo, &o->frontier_));
  *out = std::move(o);
  return Status::OK();
}

Status StoreCrawlOutput::Begin(const std::vector<v1::FrontierItem>& seeds) {
  for (const v1::FrontierItem& seed : seeds) seed_urls_.insert(seed.url());
  v1::JobState* state = writer_->mutable_state();
  const v1::CrawlRun& run = state->run();
  const bool run_ended = run.end() != v1::CrawlRun::OPEN || state->phase() == v1::JOB_SUCCEEDED;
  if (run.number() == 0 || run_ended) {
    GLEANER_RETURN_IF_ERROR(
        StartRun(seeds, run.number() + 1, run.end() == v1::CrawlRun::NOTHING_FETCHED));
  }
  state->set_phase(v1::JOB_RUNNING);
  state->set_message("");
  state->mutable_spec()->set_name(job_.name);
  state->mutable_spec()->set_source_path(job_.source_path);
  return Commit();
}

Status StoreCrawlOutput::StartRun(const std::vector<v1::FrontierItem>& seeds, uint32_t number,
                                  bool failed_before) {
  size_t added = 0;
  uint64_t carried_over = 0;
  // Whether the run that ends now kept its pages' links.
  const bool links_kept = writer_->state().run().keeps_links();
  if (!frontier_->seeded()) {
    GLEANER_RETURN_IF_ERROR(frontier_->Push(seeds, &added));
    frontier_->MarkSeeded();
  } else if (frontier_->Done()) {
    // A revisit: the seeds and the known URLs the plan says are due (their
    // rows tell what changed), queued again as they were queued then.
    if (job_.recrawl.remove_unlinked) {
      GLEANER_RETURN_IF_ERROR(RequireLinks(writer_.get(), links_kept, [this] { return Commit(); }));
    }
    RevisitPlan plan;
    GLEANER_RETURN_IF_ERROR(PlanRevisit(store_, job_, clock_(), &plan));
    GLEANER_RETURN_IF_ERROR(QueueRevisit(plan, seeds, frontier_.get(), &added));
    carried_over = plan.carried_over.size();
  } else if (failed_before) {
    frontier_->Requeue(seeds);
  }
  // Otherwise max_pages ended the last run: this one goes on from its frontier.
  v1::CrawlRun* run = writer_->mutable_state()->mutable_run();
  run->Clear();
  run->set_number(number);
  run->set_start_micros(storage::NowMicros());
  run->set_pages_carried_over(carried_over);
  run->set_keeps_links(job_.recrawl.remove_unlinked);
  return Status::OK();
}

Status StoreCrawlOutput::AddPageLinks(const std::string& url,
                                      const std::vector<v1::FrontierItem>& links) {
  if (!job_.recrawl.remove_unlinked) return Status::OK();
  v1::PageLinks kept;
  kept.set_run(writer_->state().run().number());
  for (const v1::FrontierItem& link : links) kept.add_urls(link.url());
  writer_->PutPageLinks(url, kept);
  return Status::OK();
}

Status StoreCrawlOutput::AddPageRecords(const v1::FrontierItem& item, const std::string& url,
                                        const std::vector<v1::Record>& records) {
  return StoreFetchedPage(writer_.get(), job_.recrawl, clock_(), item, url, records);
}

Status StoreCrawlOutput::AddPage(v1::Page page) {
  if (!page.not_modified()) return writer_->AddPage(std::move(page));
  // The server says the page is as last fetched: its records stand, counted
  // unchanged, and its stored page (if any) stays the one with the body.
  const std::string& url = page.final_url().empty() ? page.url() : page.final_url();
  return StoreNotModifiedPage(writer_.get(), job_.recrawl, clock_(), url,
                              ValidatorsOf(page.headers()));
}

Status StoreCrawlOutput::AddError(const v1::FrontierItem& item, const v1::FetchError& error) {
  return StoreFailedPage(writer_.get(), item, error);
}

Status StoreCrawlOutput::End(double duration_s) {
  v1::JobState* state = writer_->mutable_state();
  state->mutable_stats()->set_duration_s(state->stats().duration_s() + duration_s);
  // Only a run that fetched all it had to may judge what is no longer linked.
  if (state->run().end() == v1::CrawlRun::COMPLETE && state->run().keeps_links()) {
    // The run stays open until the sweep's last commit: a crash on the way
    // leaves it to be continued, and the next crawl ends it the same way.
    state->mutable_run()->set_end(v1::CrawlRun::OPEN);
    Status swept = SweepUnlinked(
        writer_.get(),
        [this](std::string_view url) { return seed_urls_.count(std::string(url)) > 0; },
        [this] { return Commit(); });
    state->mutable_run()->set_end(v1::CrawlRun::COMPLETE);
    GLEANER_RETURN_IF_ERROR(swept);
  }
  if (state->run().end() != v1::CrawlRun::OPEN) {
    state->mutable_run()->set_end_micros(storage::NowMicros());
  }
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
