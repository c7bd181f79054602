// `gleaner demo`: the embedded default job. For now it stages a handful of
// records, a page and an error for job "demo" and reads them back through
// the same reader `gleaner stage` uses.
#include <iostream>

#include "storage/job_writer.h"
#include "storage/store_reader.h"
#include "tools/commands.h"
#include "tools/output_format.h"

namespace gleaner::tools {
namespace {

v1::Record DemoRecord(const std::string& url, const std::string& title, double price) {
  v1::Record r;
  r.set_job("demo");
  r.set_source_url(url);
  r.set_fetch_time_micros(storage::NowMicros());
  auto* t = r.add_fields();
  t->set_name("title");
  t->mutable_value()->set_string_value(title);
  auto* p = r.add_fields();
  p->set_name("price");
  p->mutable_value()->set_double_value(price);
  return r;
}

Status RunDemo(const std::string& data_flag) {
  std::string dir = ResolveDataDir(data_flag);
  {
    std::unique_ptr<storage::StagingStore> store;
    GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(dir, {}, &store));
    std::unique_ptr<storage::JobWriter> writer;
    GLEANER_RETURN_IF_ERROR(storage::JobWriter::Open(store.get(), "demo", &writer));
    uint64_t before = writer->state().record_count();
    GLEANER_RETURN_IF_ERROR(writer->AddRecord(DemoRecord("http://demo.local/a", "A Light in the Attic", 51.77)));
    GLEANER_RETURN_IF_ERROR(writer->AddRecord(DemoRecord("http://demo.local/b", "Tipping the Velvet", 53.74)));
    GLEANER_RETURN_IF_ERROR(writer->AddRecord(DemoRecord("http://demo.local/c", "Soumission", 50.10)));
    v1::Page page;
    page.set_job("demo");
    page.set_url("http://demo.local/a");
    page.set_final_url("http://demo.local/a");
    page.set_status(200);
    page.set_body("<html><h1>A Light in the Attic</h1></html>");
    page.set_fetch_time_micros(storage::NowMicros());
    GLEANER_RETURN_IF_ERROR(writer->AddPage(page));
    v1::FetchError error;
    error.set_job("demo");
    error.set_url("http://demo.local/missing");
    error.set_kind(v1::ERROR_HTTP_STATUS);
    error.set_http_status(404);
    error.set_message("HTTP 404");
    error.set_attempts(1);
    error.set_time_micros(storage::NowMicros());
    GLEANER_RETURN_IF_ERROR(writer->AddError(error));
    writer->mutable_state()->set_phase(v1::JOB_SUCCEEDED);
    GLEANER_RETURN_IF_ERROR(writer->Commit());
    std::cout << "wrote 3 records, 1 page and 1 error to job 'demo' in " << dir << " (job had "
              << before << " records before)\n";
  }
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenFollower(dir, &store));
  storage::StoreReader reader(store.get());
  v1::JobState state;
  GLEANER_RETURN_IF_ERROR(reader.GetJob("demo", &state));
  std::cout << "read back job 'demo': " << state.record_count() << " records, "
            << state.page_count() << " pages, " << state.error_count() << " errors; last three:\n";
  std::vector<v1::Record> all;
  GLEANER_RETURN_IF_ERROR(reader.ScanRecords("demo", [&](const v1::Record& r) {
    all.push_back(r);
    return true;
  }));
  for (size_t i = all.size() >= 3 ? all.size() - 3 : 0; i < all.size(); ++i) {
    std::cout << "  " << DumpJson(RecordToJson(all[i])) << '\n';
  }
  std::cout << "inspect it with: gleaner stage jobs --data " << dir << '\n';
  return Status::OK();
}

}  // namespace

void RegisterDemo(CLI::App& app, CommandResult* result) {
  auto data = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("demo", "Run the embedded default job");
  AddDataFlag(cmd, data.get());
  cmd->callback([data, result] { result->exit_code = Report(RunDemo(*data)); });
}

}  // namespace gleaner::tools
