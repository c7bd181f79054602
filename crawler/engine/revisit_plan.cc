#include "crawler/engine/revisit_plan.h"

#include "storage/store_reader.h"

namespace gleaner::crawler {

Status PlanRevisit(storage::StagingStore* store, const JobConfig& job, int64_t /*now_micros*/,
                   RevisitPlan* plan) {
  plan->due.clear();
  storage::StoreReader reader(store);
  return reader.ScanUrlStates(job.name, [&](std::string_view, const v1::UrlState& url_state) {
    if (url_state.has_item()) plan->due.push_back(url_state.item());
    return true;
  });
}

}  // namespace gleaner::crawler
