// `gleaner demo`: the embedded default job. It serves the bundled sample
// site on 127.0.0.1, crawls it with configs/jobs/demo.yaml into the staging
// store (replacing an earlier demo run), and prints what it did.
#include <unistd.h>

#include <iostream>

#include "crawler/engine/crawl_engine.h"
#include "crawler/job/job_parser.h"
#include "storage/store_reader.h"
#include "tests/fixture/fixture_site.h"
#include "tools/commands.h"
#include "tools/embedded_configs.h"
#include "tools/output_format.h"

namespace gleaner::tools {
namespace {

constexpr int kDemoProducts = 300;

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

Status RunDemo(const std::string& data_flag) {
  std::string dir = ResolveDataDir(data_flag);
  fixture::FixtureOptions site_options;
  site_options.pages = kDemoProducts;
  std::unique_ptr<fixture::FixtureSite> site;
  GLEANER_RETURN_IF_ERROR(fixture::FixtureSite::Start(site_options, &site));
  std::cout << "demo: serving the sample site (" << kDemoProducts << " products) at "
            << site->BaseUrl() << '\n';

  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobYaml(
      ReplaceAll(kDemoJobYaml, "{{site}}", site->BaseUrl()), "configs/jobs/demo.yaml", &job));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(dir, {}, &store));
  // The site listens on a new port each run, so an earlier demo crawl is stale.
  GLEANER_RETURN_IF_ERROR(store->DeleteJob(job.name));

  crawler::CrawlOptions options;
  options.progress = &std::cerr;
  options.progress_is_tty = isatty(STDERR_FILENO);
  crawler::CrawlEngine engine(store.get(), job, options);
  crawler::CrawlSummary summary;
  GLEANER_RETURN_IF_ERROR(engine.Run(&summary));
  PrintCrawlSummary(job.name, summary, std::cout);

  storage::StoreReader reader(store.get());
  int shown = 0;
  std::cout << "first records:\n";
  GLEANER_RETURN_IF_ERROR(reader.ScanRecords(job.name, [&](const v1::Record& r) {
    std::cout << "  " << DumpJson(RecordToJson(r)) << '\n';
    return ++shown < 3;
  }));
  std::cout << "inspect the store with: gleaner stage jobs --data " << dir << '\n';
  return Status::OK();
}

}  // namespace

void RegisterDemo(CLI::App& app, CommandResult* result) {
  auto data = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("demo", "Serve the bundled sample site, crawl it and show the result");
  AddDataFlag(cmd, data.get());
  cmd->callback([data, result] { result->exit_code = Report(RunDemo(*data)); });
}

}  // namespace gleaner::tools
