#include "crawler/engine/finished_page.h"

#include "crawler/engine/revisit_schedule.h"
#include "storage/run_page.h"

namespace gleaner::crawler {

namespace {

// The URL of `state` answered, its records `changed` or not.
void Answered(const RecrawlPolicy& policy, bool changed, int64_t now_micros, v1::UrlState* state) {
  ScheduleNextVisit(policy, changed, now_micros, state);
  state->clear_failures();
  state->clear_last_failure();
}

}  // namespace

bool TransientFailure(const v1::FetchError& error) {
  switch (error.kind()) {
    case v1::ERROR_DNS:
    case v1::ERROR_CONNECT:
    case v1::ERROR_TLS:
    case v1::ERROR_TIMEOUT:
    case v1::ERROR_ROBOTS_UNAVAILABLE:
      return true;
    case v1::ERROR_HTTP_STATUS:
      return error.http_status() >= 500;
    default:
      return false;
  }
}

Status StoreFetchedPage(storage::JobWriter* writer, const RecrawlPolicy& policy, int64_t now_micros,
                        const v1::FrontierItem& item, std::string_view url,
                        const std::vector<v1::Record>& records) {
  return storage::PutRunPage(
      writer, url, records, &item, [&](const storage::RecordCounts& counts, v1::UrlState* state) {
        const bool changed = counts.added + counts.changed + counts.removed > 0;
        Answered(policy, changed, now_micros, state);
      });
}

Status StoreNotModifiedPage(storage::JobWriter* writer, const RecrawlPolicy& policy,
                            int64_t now_micros, std::string_view url, const Validators& sent) {
  return storage::KeepRunPage(writer, url, [&](v1::UrlState* state) {
    if (IsSafeValidator(sent.etag)) state->mutable_item()->set_etag(sent.etag);
    if (IsSafeValidator(sent.last_modified)) {
      state->mutable_item()->set_last_modified(sent.last_modified);
    }
    Answered(policy, /*changed=*/false, now_micros, state);
  });
}

Status StoreFailedPage(storage::JobWriter* writer, const v1::FrontierItem& item,
                       const v1::FetchError& error) {
  GLEANER_RETURN_IF_ERROR(storage::AddRunError(writer, error));
  if (!TransientFailure(error)) return Status::OK();
  // Queued again in the next run, as it was queued in this one; its records
  // (if any) stand meanwhile.
  return writer->UpdateUrlState(error.url(), [&](v1::UrlState* state) {
    if (!state->has_item()) {
      *state->mutable_item() = item;
      state->mutable_item()->set_attempts(0);
    }
    state->set_failures(state->failures() + 1);
    state->set_last_failure(error.kind());
  });
}

}  // namespace gleaner::crawler
