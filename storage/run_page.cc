#include "storage/run_page.h"

namespace gleaner::storage {

namespace {

uint32_t RunNumber(const JobWriter& writer) { return writer.state().run().number(); }

void CountRecords(JobWriter* writer, const RecordCounts& counts) {
  v1::CrawlRun* run = writer->mutable_state()->mutable_run();
  run->set_records_added(run->records_added() + counts.added);
  run->set_records_changed(run->records_changed() + counts.changed);
  run->set_records_unchanged(run->records_unchanged() + counts.unchanged);
  run->set_records_removed(run->records_removed() + counts.removed);
}

}  // namespace

Status PutRunPage(JobWriter* writer, std::string_view url, const std::vector<v1::Record>& records,
                  const v1::FrontierItem* queued_as,
                  const std::function<void(const RecordCounts&, v1::UrlState*)>& update) {
  RecordCounts counts;
  GLEANER_RETURN_IF_ERROR(
      writer->PutPageRecords(url, records, RunNumber(*writer), queued_as, &counts, update));
  CountRecords(writer, counts);
  return Status::OK();
}

Status KeepRunPage(JobWriter* writer, std::string_view url,
                   const std::function<void(v1::UrlState*)>& update) {
  RecordCounts counts;
  GLEANER_RETURN_IF_ERROR(writer->KeepPageRecords(url, RunNumber(*writer), &counts, update));
  CountRecords(writer, counts);
  return Status::OK();
}

Status AddRunError(JobWriter* writer, const v1::FetchError& error) {
  GLEANER_RETURN_IF_ERROR(writer->AddError(error));
  // Gone for good: the URL's records leave the job in this run.
  if (error.http_status() == 404 || error.http_status() == 410) {
    return CloseRunUrl(writer, error.url());
  }
  return Status::OK();
}

Status CloseRunUrl(JobWriter* writer, std::string_view url) {
  RecordCounts counts;
  GLEANER_RETURN_IF_ERROR(writer->CloseUrl(url, RunNumber(*writer), &counts));
  CountRecords(writer, counts);
  return Status::OK();
}

}  // namespace gleaner::storage
