// `gleaner pull`: stream one split of a job's cleaned dataset from a running
// server into a file, written by the same shard writers as `gleaner prepare`.
// A stream that breaks (the server restarts, the network drops) is resumed
// from the last batch received, so no row is lost or repeated.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ingest/service/grpc_status.h"
#include "ingest/service/service_client.h"
#include "ingest/shards/shard_writer.h"
#include "schema/gleaner_service.grpc.pb.h"
#include "tools/commands.h"

namespace gleaner::tools {

namespace {

// Attempts per pull when the stream breaks with UNAVAILABLE.
constexpr int kAttempts = 4;

struct PullFlags {
  service::ClientFlags client;
  int timeout_s = 3600;
  std::string job;
  std::string rules;
  std::string split = "train";
  std::string out;
  std::string format;
  uint32_t batch_rows = 0;
};

shards::ColumnType FromProto(v1::ColumnType t) {
  switch (t) {
    case v1::COLUMN_INT64:
      return shards::ColumnType::kInt64;
    case v1::COLUMN_DOUBLE:
      return shards::ColumnType::kDouble;
    case v1::COLUMN_BOOL:
      return shards::ColumnType::kBool;
    case v1::COLUMN_TIMESTAMP_MICROS:
      return shards::ColumnType::kTimestampMicros;
    default:
      return shards::ColumnType::kString;
  }
}

Status FormatOf(const PullFlags& f, shards::Format* format) {
  if (!f.format.empty()) return shards::ParseFormat(f.format, format);
  size_t dot = f.out.rfind('.');
  if (dot == std::string::npos) {
    return Status::InvalidArgument("--format: " + f.out + " has no extension; name a format");
  }
  return shards::ParseFormat(f.out.substr(dot + 1), format).Annotate("--format");
}

Status Pull(const PullFlags& f) {
  shards::Format format;
  GLEANER_RETURN_IF_ERROR(FormatOf(f, &format));
  std::ifstream in(f.rules, std::ios::binary);
  if (!in) return Status::IOError("cannot read rules file " + f.rules);
  std::stringstream rules;
  rules << in.rdbuf();

  service::ClientConfig config;
  GLEANER_RETURN_IF_ERROR(service::ResolveClientConfig(f.client, &config));
  config.timeout_s = f.timeout_s;
  auto stub = v1::DatasetService::NewStub(service::OpenConnectedChannel(config));
  v1::PullDatasetRequest request;
  request.set_job(f.job);
  request.set_rules_yaml(rules.str());
  request.set_split(f.split);
  request.set_batch_rows(f.batch_rows);

  // Written beside the target and renamed at the end: a failed pull leaves no
  // half file under the requested name.
  const std::string partial = f.out + ".partial";
  std::unique_ptr<shards::ShardWriter> writer;
  std::vector<v1::Value> row;
  int64_t rows = 0;
  grpc::Status status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    grpc::ClientContext context;
    service::PrepareCall(config, &context);
    auto stream = stub->PullDataset(&context, request);
    v1::PullDatasetResponse batch;
    while (stream->Read(&batch)) {
      if (writer == nullptr) {
        std::vector<shards::ColumnSpec> columns;
        for (const auto& c : batch.columns()) {
          columns.push_back({c.name(), FromProto(c.type()), c.nullable()});
        }
        GLEANER_RETURN_IF_ERROR(shards::OpenShardWriter(format, partial, columns, {}, &writer));
      }
      for (const auto& r : batch.rows()) {
        row.assign(r.values().begin(), r.values().end());
        GLEANER_RETURN_IF_ERROR(writer->Append(row));
        ++rows;
      }
      request.set_resume_token(batch.resume_token());
    }
    status = stream->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::cerr << "gleaner: stream broken (" << status.error_message() << "); resuming\n";
  }
  if (!status.ok()) {
    if (writer != nullptr) std::remove(partial.c_str());
    return service::FromGrpc(status).Annotate("server " + config.server);
  }
  if (writer == nullptr) return Status::IOError("server " + config.server + " sent no columns");
  GLEANER_RETURN_IF_ERROR(writer->Close(nullptr));
  if (std::rename(partial.c_str(), f.out.c_str()) != 0) {
    return Status::IOError("cannot rename " + partial + " to " + f.out);
  }
  std::cout << "pulled " << rows << " rows of split '" << f.split << "' of job '" << f.job
            << "' into " << f.out << '\n';
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
  cmd->add_option("--out", flags->out, "Output file")->required();
  cmd->add_option("--format", flags->format,
                  "parquet, jsonl or csv (default: from the --out extension)");
  cmd->add_option("--batch-rows", flags->batch_rows, "Rows per streamed batch (0: server default)");
  AddClientFlags(cmd, &flags->client);
  cmd->add_option("--timeout", flags->timeout_s, "Seconds the whole pull may take")
      ->capture_default_str();
  cmd->callback([flags, result] { result->exit_code = Report(Pull(*flags)); });
}

}  // namespace gleaner::tools
