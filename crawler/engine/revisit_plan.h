// PlanRevisit: which of a job's known URLs a new run visits again. Every URL
// an earlier run fetched (or failed transiently) has a UrlState in the store,
// holding the frontier item it was queued with (and the validators and
// signature of its last fetch); the plan queues those items again when due
// (revisit_schedule.h: always without the job's `recrawl:` block) and
// carries the others over: no request, their rows stay valid. Shared by the single-process
// crawl (StoreCrawlOutput) and the Redis board, so both runs revisit alike.
// Reads a consistent view of the store; safe while others write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/frontier/frontier.h"
#include "crawler/job/job_config.h"
#include "schema/gleaner.pb.h"
#include "storage/staging_store.h"

namespace gleaner::crawler {

struct RevisitPlan {
  std::vector<v1::FrontierItem> due;      // queued in the new run, in URL order
  std::vector<std::string> carried_over;  // the URLs of the items not due yet
};

Status PlanRevisit(storage::StagingStore* store, const JobConfig& job, int64_t now_micros,
                   RevisitPlan* plan);

// Starts the revisit `plan` in `frontier`, whose last run ended: forgets what
// that run saw, marks the URLs carried over seen (a link to one queues no
// request), then queues the due items before the seeds, so that a seed among
// the known URLs keeps its validators. Counts the items queued in *added.
Status QueueRevisit(const RevisitPlan& plan, const std::vector<v1::FrontierItem>& seeds,
                    Frontier* frontier, size_t* added);

}  // namespace gleaner::crawler
