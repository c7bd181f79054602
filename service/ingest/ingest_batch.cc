#include "service/ingest/ingest_batch.h"

#include <deque>
#include <string_view>
#include <unordered_map>

#include "storage/keys.h"

namespace gleaner::service {

std::string BatchName(const v1::IngestBatch& batch) {
  return "batch " + std::to_string(batch.batch_id());
}

Status CompleteIngestBatch(v1::IngestBatch* batch, int64_t now_micros, IngestPages* pages) {
  if (Status s = storage::ValidateJobName(batch->job()); !s.ok()) {
    return s.Annotate(BatchName(*batch));
  }
  for (int i = 0; i < batch->records_size(); ++i) {
    v1::Record* r = batch->mutable_records(i);
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument(BatchName(*batch) + ", record " + std::to_string(i) + ": " +
                                     why);
    };
    if (r->job().empty()) {
      r->set_job(batch->job());
    } else if (r->job() != batch->job()) {
      return bad("job '" + r->job() + "' is not the batch's job '" + batch->job() + "'");
    }
    if (r->source_url().empty()) return bad("no source_url");
    // The URL index separates a key's parts with NUL.
    if (r->source_url().find('\0') != std::string::npos) return bad("NUL byte in source_url");
    if (r->fetch_time_micros() == 0) r->set_fetch_time_micros(now_micros);
  }

  // Each URL's records, in batch order, handed out to its pages in turn.
  std::unordered_map<std::string_view, std::deque<const v1::Record*>> by_url;
  for (const v1::PageDone& page : batch->pages()) by_url[page.url()];
  IngestPages split;
  for (const v1::Record& r : batch->records()) {
    auto it = by_url.find(r.source_url());
    if (it == by_url.end()) {
      split.loose.push_back(&r);
    } else {
      it->second.push_back(&r);
    }
  }
  for (int i = 0; i < batch->pages_size(); ++i) {
    v1::PageDone* page = batch->mutable_pages(i);
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument(BatchName(*batch) + ", page " + std::to_string(i) + ": " +
                                     why);
    };
    if (page->url().empty()) return bad("no url");
    if (page->url().find('\0') != std::string::npos) return bad("NUL byte in url");
    if ((page->not_modified() || page->has_error()) && page->record_count() > 0) {
      return bad("a page " + std::string(page->not_modified() ? "not modified" : "that failed") +
                 " has no records, not " + std::to_string(page->record_count()));
    }
    if (page->has_error()) {
      if (page->error().job().empty()) page->mutable_error()->set_job(batch->job());
      if (page->error().job() != batch->job()) {
        return bad("error of job '" + page->error().job() + "', not the batch's");
      }
    }
    std::deque<const v1::Record*>& queue = by_url[page->url()];
    if (queue.size() < page->record_count()) {
      return bad(std::to_string(page->record_count()) + " records counted, " +
                 std::to_string(queue.size()) + " in the batch from " + page->url());
    }
    std::vector<const v1::Record*> own(queue.begin(), queue.begin() + page->record_count());
    queue.erase(queue.begin(), queue.begin() + page->record_count());
    split.page_records.push_back(std::move(own));
  }
  for (const auto& [url, left] : by_url) {
    if (!left.empty()) {
      return Status::InvalidArgument(BatchName(*batch) + ": " + std::to_string(left.size()) +
                                     " records from " + std::string(url) +
                                     " beyond those its pages count");
    }
  }
  if (pages != nullptr) *pages = std::move(split);
  return Status::OK();
}

}  // namespace gleaner::service
