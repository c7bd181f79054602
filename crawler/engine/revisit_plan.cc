#include "crawler/engine/revisit_plan.h"

#include "crawler/engine/revisit_schedule.h"
#include "storage/store_reader.h"

namespace gleaner::crawler {

Status PlanRevisit(storage::StagingStore* store, const JobConfig& job, int64_t now_micros,
                   RevisitPlan* plan) {
  plan->due.clear();
  plan->carried_over.clear();
  storage::StoreReader reader(store);
  return reader.ScanUrlStates(job.name, [&](std::string_view, const v1::UrlState& url_state) {
    if (!url_state.has_item()) return true;
    if (DueForRevisit(job.recrawl, url_state, now_micros)) {
      plan->due.push_back(url_state.item());
    } else {
      plan->carried_over.push_back(url_state.item().url());
    }
    return true;
  });
}

Status QueueRevisit(const RevisitPlan& plan, const std::vector<v1::FrontierItem>& seeds,
                    Frontier* frontier, size_t* added) {
  size_t due = 0, seeded = 0;
  GLEANER_RETURN_IF_ERROR(frontier->StartRevisit(plan.due, plan.carried_over, &due));
  GLEANER_RETURN_IF_ERROR(frontier->Push(seeds, &seeded));
  *added = due + seeded;
  return Status::OK();
}

}  // namespace gleaner::crawler
