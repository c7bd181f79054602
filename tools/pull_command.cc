// `gleaner pull`: stream one split of a job's cleaned dataset from a running
// server into a file (or, without --out, to standard output: JSONL by
// default; Parquet is refused on a terminal), written by the same shard
// writers as `gleaner prepare`.
// A stream that breaks (the server restarts, the network drops) is resumed
// from the last batch received by DatasetPuller (service/client/dataset_puller.h),
// so no row is lost or repeated.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ingest/shards/shard_writer.h"
#include "schema/column_type_proto.h"
#include "schema/gleaner_service.pb.h"
#include "service/client/dataset_puller.h"
#include "service/client/service_client.h"
#include "tools/commands.h"

namespace gleaner::tools {

namespace {

struct PullFlags {
  service::ClientFlags client;
  int timeout_s = 3600;
  std::string job;
  std::string rules;
  std::string split = "train";
  std::string out;  // empty or "-": standard output
  std::string format;
  uint32_t batch_rows = 0;
};

bool WritesToStdout(const PullFlags& f) {
  return f.out.empty() || f.out == shards::kStandardOutputPath;
}

Status FormatOf(const PullFlags& f, shards::Format* format) {
  if (!f.format.empty()) return shards::ParseFormat(f.format, format).Annotate("--format");
  if (WritesToStdout(f)) {
    *format = shards::Format::kJsonl;
    return Status::OK();
  }
  size_t dot = f.out.rfind('.');
  if (dot == std::string::npos) {
    return Status::InvalidArgument("--format: " + f.out + " has no extension; name a format");
  }
  return shards::ParseFormat(f.out.substr(dot + 1), format).Annotate("--format");
}

Status Pull(const PullFlags& f) {
  shards::Format format;
  GLEANER_RETURN_IF_ERROR(FormatOf(f, &format));
  const bool to_stdout = WritesToStdout(f);
  if (to_stdout && format == shards::Format::kParquet && isatty(STDOUT_FILENO)) {
    return Status::InvalidArgument(
        "refusing to write Parquet to a terminal; give --out FILE or redirect standard output");
  }
  std::ifstream in(f.rules, std::ios::binary);
  if (!in) return Status::IOError("cannot read rules file " + f.rules);
  std::stringstream rules;
  rules << in.rdbuf();

  service::DatasetPuller::Options options;
  GLEANER_RETURN_IF_ERROR(service::ResolveClientConfig(f.client, &options.config));
  options.config.timeout_s = f.timeout_s;
  options.on_resume = [](const std::string& why) {
    std::cerr << "gleaner: stream broken (" << why << "); resuming\n";
  };
  const std::string server = options.config.server;
  service::DatasetPuller puller(std::move(options));
  v1::PullDatasetRequest request;
  request.set_job(f.job);
  request.set_rules_yaml(rules.str());
  request.set_split(f.split);
  request.set_batch_rows(f.batch_rows);

  // Written beside the target and renamed at the end: a failed pull leaves no
  // half file under the requested name. Standard output cannot be taken back:
  // there a failed pull is told by the exit code.
  const std::string write_path = to_stdout ? shards::kStandardOutputPath : f.out + ".partial";
  std::unique_ptr<shards::ShardWriter> writer;
  std::vector<v1::Value> row;
  int64_t rows = 0;
  Status pulled = puller.Pull(request, [&](const v1::PullDatasetResponse& batch) -> Status {
    if (writer == nullptr) {
      std::vector<shards::ColumnSpec> columns;
      for (const auto& c : batch.columns()) {
        columns.push_back({c.name(), schema::FromProto(c.type()), c.nullable()});
      }
      GLEANER_RETURN_IF_ERROR(shards::OpenShardWriter(format, write_path, columns, {}, &writer));
    }
    for (const auto& r : batch.rows()) {
      row.assign(r.values().begin(), r.values().end());
      GLEANER_RETURN_IF_ERROR(writer->Append(row));
      ++rows;
    }
    return Status::OK();
  });
  if (!pulled.ok()) {
    if (writer != nullptr && !to_stdout) std::remove(write_path.c_str());
    return pulled;
  }
  if (writer == nullptr) return Status::IOError("server " + server + " sent no columns");
  GLEANER_RETURN_IF_ERROR(writer->Close(nullptr));
  if (!to_stdout && std::rename(write_path.c_str(), f.out.c_str()) != 0) {
    return Status::IOError("cannot rename " + write_path + " to " + f.out);
  }
  // With the rows on standard output, the summary goes to stderr.
  (to_stdout ? std::cerr : std::cout)
      << "pulled " << rows << " rows of split '" << f.split << "' of job '" << f.job << "' into "
      << (to_stdout ? "standard output" : f.out) << '\n';
  return Status::OK();
}

}  // namespace

void RegisterPull(CLI::App& app, CommandResult* result) {
  auto flags = std::make_shared<PullFlags>();
  CLI::App* cmd =
      app.add_subcommand("pull", "Stream one split of a cleaned dataset from a running server");
  cmd->add_option("--job", flags->job, "Job name")->required();
  cmd->add_option("--rules", flags->rules, "Rules file (YAML), sent to the server")->required();
  cmd->add_option("--split", flags->split, "train, validation or test")->capture_default_str();
  cmd->add_option("--out", flags->out, "Output file (default, or -: standard output)");
  cmd->add_option("--format", flags->format,
                  "parquet, jsonl or csv (default: the --out extension; jsonl on standard output)");
  cmd->add_option("--batch-rows", flags->batch_rows, "Rows per streamed batch (0: server default)");
  AddClientFlags(cmd, &flags->client);
  cmd->add_option("--timeout", flags->timeout_s, "Seconds the whole pull may take")
      ->capture_default_str();
  cmd->callback([flags, result] { result->exit_code = Report(Pull(*flags)); });
}

}  // namespace gleaner::tools
