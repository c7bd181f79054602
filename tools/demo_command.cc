// `gleaner demo`: the embedded default job. It serves the bundled sample
// site on 127.0.0.1, crawls it with configs/jobs/demo.yaml into the staging
// store (replacing an earlier demo run), prepares it with
// configs/rules/demo.yaml into ./out/demo, and prints what it did.
#include <unistd.h>

#include <iostream>

#include "crawler/job/job_parser.h"
#include "demo/fixture_site.h"
#include "ingest/rules/rules_parser.h"
#include "storage/staging_store.h"
#include "tools/commands.h"
#include "tools/embedded_configs.h"

namespace gleaner::tools {
namespace {

constexpr int kDemoProducts = 300;

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

Status RunDemo(const std::string& data_flag, const std::string& out_dir) {
  std::string dir = ResolveDataDir(data_flag);
  demo::FixtureOptions site_options;
  site_options.pages = kDemoProducts;
  std::unique_ptr<demo::FixtureSite> site;
  GLEANER_RETURN_IF_ERROR(demo::FixtureSite::Start(site_options, &site));
  std::cout << "demo: serving the sample site (" << kDemoProducts << " products) at "
            << site->BaseUrl() << '\n';

  crawler::JobConfig job;
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobYaml(
      ReplaceAll(kDemoJobYaml, "{{site}}", site->BaseUrl()), "configs/jobs/demo.yaml", &job));
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenPrimary(dir, {}, &store));
  // The site listens on a new port each run, so an earlier demo crawl is stale.
  GLEANER_RETURN_IF_ERROR(store->DeleteJob(job.name));

  GLEANER_RETURN_IF_ERROR(CrawlAndReport(job, store.get()));

  rules::RulesConfig rules;
  GLEANER_RETURN_IF_ERROR(rules::ParseRulesYaml(kDemoRulesYaml, "configs/rules/demo.yaml", &rules));
  GLEANER_RETURN_IF_ERROR(PrepareAndReport(store.get(), job.name, rules, out_dir, "", false));
  std::cout << "inspect the store with: gleaner stage jobs --data " << dir << '\n'
            << "read the shards with any Parquet reader, e.g. duckdb -c \"SELECT * FROM '"
            << out_dir << "/train/*.parquet' LIMIT 5\"\n";
  return Status::OK();
}

}  // namespace

void RegisterDemo(CLI::App& app, CommandResult* result) {
  struct Flags {
    std::string data;
    std::string out = "./out/demo";
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Serve the bundled sample site, crawl it, clean it and write splits to ./out/demo");
  AddDataFlag(cmd, &flags->data);
  cmd->add_option("--out", flags->out, "Output dataset directory (default: ./out/demo)");
  cmd->callback([flags, result] { result->exit_code = Report(RunDemo(flags->data, flags->out)); });
}

}  // namespace gleaner::tools
