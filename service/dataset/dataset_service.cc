#include "service/dataset/dataset_service.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/word_table.h"
#include "ingest/prepare/dataset_export.h"
#include "ingest/prepare/dataset_history.h"
#include "ingest/prepare/dataset_location.h"
#include "ingest/prepare/dataset_pipeline.h"
#include "ingest/prepare/dataset_publish.h"
#include "ingest/rules/rules_parser.h"
#include "ingest/split/split_assigner.h"
#include "schema/column_type_proto.h"
#include "service/client/grpc_status.h"
#include "service/dataset/drift_summary.h"
#include "service/dataset/output_path.h"
#include "service/dataset/pull_cursor.h"
#include "storage/keys.h"
#include "storage/store_reader.h"

namespace gleaner::service {

namespace {

constexpr uint32_t kDefaultBatchRows = 1024;
constexpr uint32_t kMaxBatchRows = 65536;
// A batch is cut once its rows take this many bytes, whatever batch_rows says:
// rows vary in width, and clients refuse messages over 4 MiB by default. A
// single row wider than that still goes, alone.
constexpr size_t kMaxBatchBytes = 1 << 20;

// What errors call a request's rules_yaml: "rules:LINE:COL: ...".
constexpr std::string_view kRulesName = "rules";

Status ParseRequestRules(const std::string& yaml, rules::RulesConfig* out) {
  return rules::ParseRulesYaml(yaml, std::string(kRulesName), out);
}

// A rules error as CheckRules reports it: "rules:LINE:COL: what" becomes the
// position and "what"; an error with no position keeps its whole message at line 0.
v1::RuleProblem ProblemOf(const Status& s) {
  v1::RuleProblem problem;
  problem.set_message(s.message());
  std::string_view rest = s.message();
  if (!rest.starts_with(kRulesName) || !rest.substr(kRulesName.size()).starts_with(':')) {
    return problem;
  }
  rest.remove_prefix(kRulesName.size() + 1);
  // Reads "N:" off the front of `rest`.
  const auto number = [&rest](uint32_t* n) {
    const char* end = rest.data() + rest.size();
    auto [stop, ec] = std::from_chars(rest.data(), end, *n);
    if (ec != std::errc() || stop == end || *stop != ':') return false;
    rest.remove_prefix(stop - rest.data() + 1);
    return true;
  };
  uint32_t line = 0;
  uint32_t column = 0;
  if (!number(&line) || !number(&column)) return problem;
  if (rest.starts_with(' ')) rest.remove_prefix(1);
  problem.set_line(line);
  problem.set_column(column);
  problem.set_message(std::string(rest));
  return problem;
}

// The pipeline's spill file goes where the server keeps its temporary files.
std::string SpillDir() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

// A file of a published dataset, whole (they are small: their size depends on
// columns and bins, not rows). NotFound when it is not there.
Status ReadBack(const std::string& path, std::string* text) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Status::NotFound(path + " not found");
  std::ifstream in(path);
  std::ostringstream all;
  all << in.rdbuf();
  if (!in) return Status::IOError("reading back " + path);
  *text = all.str();
  return Status::OK();
}

Status ParseSplit(const std::string& name, split::Split* out) {
  if (ValueOf(split::kSplitWords, name, out)) return Status::OK();
  return Status::InvalidArgument("split: expected " + WordList(split::kSplitWords) + ", got \"" +
                                 name + "\"");
}

// Delivers one split's rows to the stream in batches, after skipping the
// rows a resumed stream already has.
class StreamSink : public prepare::DatasetSink {
 public:
  StreamSink(grpc::ServerContext* context, grpc::ServerWriter<v1::PullDatasetResponse>* writer,
             split::Split split, PullCursor cursor, uint32_t batch_rows,
             const rules::RulesConfig& rules, Counter* rows_sent)
      : context_(context),
        writer_(writer),
        rows_sent_(rows_sent),
        split_(split),
        cursor_(std::move(cursor)),
        skip_(cursor_.rows),
        batch_rows_(batch_rows) {
    // The output columns start with the rules' fields, in order.
    const std::vector<shards::ColumnSpec> columns = prepare::OutputColumns(rules);
    for (size_t i = 0; i < columns.size(); ++i) {
      v1::DatasetColumn* col = batch_.add_columns();
      col->set_name(columns[i].name);
      col->set_type(schema::ToProto(columns[i].type));
      col->set_nullable(columns[i].nullable);
      col->set_categorical(i < rules.fields.size() && rules.fields[i].categorical);
    }
  }

  Status Write(split::Split split, uint64_t /*key_hash*/,
               const std::vector<v1::Value>& row) override {
    if (split != split_) return Status::OK();
    if (skip_ > 0) {
      --skip_;
      return Status::OK();
    }
    v1::DatasetRow* out = batch_.add_rows();
    out->mutable_values()->Add(row.begin(), row.end());
    batch_bytes_ += out->ByteSizeLong();
    if (static_cast<uint32_t>(batch_.rows_size()) >= batch_rows_ ||
        batch_bytes_ >= kMaxBatchBytes) {
      return Flush();
    }
    return Status::OK();
  }

  Status Quarantine(const prepare::QuarantinedRow&) override { return Alive(); }

  // Sends what is batched (at least one message per stream, for the columns).
  Status Flush() {
    GLEANER_RETURN_IF_ERROR(Alive());
    if (batch_.rows_size() == 0 && sent_any_) return Status::OK();
    cursor_.rows += batch_.rows_size();
    batch_.set_resume_token(cursor_.Encode());
    if (!writer_->Write(batch_)) return Status::Aborted("the client went away");
    rows_sent_->Increment(batch_.rows_size());
    batch_.Clear();
    batch_bytes_ = 0;
    sent_any_ = true;
    return Status::OK();
  }

 private:
  Status Alive() const {
    if (context_->IsCancelled()) return Status::Aborted("the call was cancelled or timed out");
    return Status::OK();
  }

  grpc::ServerContext* context_;
  grpc::ServerWriter<v1::PullDatasetResponse>* writer_;
  Counter* rows_sent_;
  split::Split split_;
  PullCursor cursor_;
  uint64_t skip_;
  uint32_t batch_rows_;
  v1::PullDatasetResponse batch_;
  size_t batch_bytes_ = 0;  // of batch_'s rows
  bool sent_any_ = false;
};

}  // namespace

grpc::Status DatasetServiceImpl::PullDataset(grpc::ServerContext* context,
                                             const v1::PullDatasetRequest* request,
                                             grpc::ServerWriter<v1::PullDatasetResponse>* writer) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  if (request->batch_rows() > kMaxBatchRows) {
    return ToGrpc(Status::InvalidArgument("batch_rows: " + std::to_string(request->batch_rows()) +
                                          " is out of range: 1.." + std::to_string(kMaxBatchRows) +
                                          ", or 0 for the server's default (" +
                                          std::to_string(kDefaultBatchRows) + ")"));
  }
  split::Split split = split::Split::kTrain;  // ParseSplit sets it
  Status s = ParseSplit(request->split(), &split);
  rules::RulesConfig rules;
  if (s.ok()) s = ParseRequestRules(request->rules_yaml(), &rules);
  if (s.ok()) s = storage::ValidateJobName(request->job());
  if (!s.ok()) return ToGrpc(s);

  // The reader's snapshot is the one state this stream reads.
  storage::StoreReader reader(store_);
  v1::JobState job;
  if (Status g = reader.GetJob(request->job(), &job); !g.ok()) return ToGrpc(g);
  PullCursor cursor{job.next_record_seq(), RulesHash(request->rules_yaml()), request->split(), 0};
  if (!request->resume_token().empty()) {
    PullCursor resumed;
    if (Status d = PullCursor::Decode(request->resume_token(), &resumed); !d.ok()) return ToGrpc(d);
    if (resumed.split != cursor.split || resumed.rules_hash != cursor.rules_hash) {
      return ToGrpc(Status::InvalidArgument(
          "resume_token: it belongs to another split or other rules than this request"));
    }
    if (resumed.record_seq != cursor.record_seq) {
      return ToGrpc(Status::FailedPrecondition(
          "resume_token: job '" + request->job() +
          "' has new records since the stream began; pull again from the start"));
    }
    cursor = resumed;
  }
  uint32_t batch_rows = request->batch_rows() == 0 ? kDefaultBatchRows : request->batch_rows();

  prepare::PipelineOptions options;
  options.spill_dir = SpillDir();
  StreamSink sink(context, writer, split, cursor, batch_rows, rules, records_pulled_);
  prepare::PrepareReport report;
  s = prepare::RunPipeline(&reader, request->job(), rules, options, &sink, &report);
  if (s.ok()) s = sink.Flush();
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, s.message());
  return ToGrpc(s);
}

grpc::Status DatasetServiceImpl::PrepareDataset(grpc::ServerContext* context,
                                                const v1::PrepareDatasetRequest* request,
                                                v1::PrepareDatasetResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  rules::RulesConfig rules;
  Status s = ParseRequestRules(request->rules_yaml(), &rules);
  prepare::ExportOptions options;
  options.rules_path = "PrepareDataset.rules_yaml";
  if (s.ok() && !request->format().empty()) {
    shards::Format format;
    s = shards::ParseFormat(request->format(), &format).Annotate("format");
    options.format = format;
  }
  std::string out;
  if (s.ok())
    s = ResolveOutputDir(prepare::DatasetsDir(store_->dir()), request->out(), &out).Annotate("out");
  if (s.ok()) s = storage::ValidateJobName(request->job());
  if (!s.ok()) return ToGrpc(s);

  if (Status c = claims_->Claim(out, request->out()); !c.ok()) return ToGrpc(c);
  prepare::ExportResult result;
  s = prepare::PrepareDataset(store_, request->job(), rules, out, options, &result);
  claims_->Release(out);
  // A monitor's refusal is the dataset's state, not a conflict to retry.
  if (result.monitor.refused) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, s.message());
  }
  if (!s.ok()) return ToGrpc(s);

  std::string manifest;
  if (Status r = ReadBack(result.manifest_path, &manifest); !r.ok()) return ToGrpc(r);
  response->set_manifest_json(std::move(manifest));
  response->set_version(result.version);
  return grpc::Status::OK;
}

grpc::Status DatasetServiceImpl::CheckRules(grpc::ServerContext* context,
                                            const v1::CheckRulesRequest* request,
                                            v1::CheckRulesResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  if (!request->job().empty()) {
    if (Status s = storage::ValidateJobName(request->job()); !s.ok()) return ToGrpc(s);
  }
  rules::RulesConfig rules;
  if (Status s = ParseRequestRules(request->rules_yaml(), &rules); !s.ok()) {
    *response->add_problems() = ProblemOf(s);
    return grpc::Status::OK;
  }
  if (request->job().empty()) return grpc::Status::OK;

  storage::StoreReader reader(store_);
  prepare::DiscardingSink sink;
  prepare::PipelineOptions options;
  options.spill_dir = SpillDir();
  prepare::PrepareReport report;
  Status s = prepare::RunPipeline(&reader, request->job(), rules, options, &sink, &report);
  // Rules that cannot apply, and `fail` checks whose `mostly` this job's
  // records miss, are what a check is for: problems, not a failed call.
  if (s.IsInvalidArgument() || s.code() == Status::Code::kAborted) {
    *response->add_problems() = ProblemOf(s);
  } else if (!s.ok()) {
    return ToGrpc(s);
  }
  for (const rules::RuleCount& c : report.rules) {
    v1::RuleCount* count = response->add_counts();
    count->set_rule(c.rule);
    count->set_evaluated(c.evaluated);
    count->set_failed(c.failed);
  }
  return grpc::Status::OK;
}

Status DatasetServiceImpl::ResolveDataset(const std::string& name, std::string* dir) const {
  return ResolveOutputDir(prepare::DatasetsDir(store_->dir()), name, dir).Annotate("dataset");
}

grpc::Status DatasetServiceImpl::GetProfile(grpc::ServerContext* context,
                                            const v1::DatasetRequest* request,
                                            v1::GetProfileResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  std::string dir;
  Status s = ResolveDataset(request->dataset(), &dir);
  std::string version;
  if (s.ok()) s = prepare::ReadDatasetVersion(dir, &version);
  std::string profile;
  if (s.ok()) s = ReadBack((std::filesystem::path(dir) / prepare::kProfileFile).string(), &profile);
  if (s.IsNotFound()) {
    return ToGrpc(Status::NotFound("dataset \"" + request->dataset() +
                                   "\": no dataset with a profile is published there"));
  }
  if (!s.ok()) return ToGrpc(s);
  response->set_profile_json(std::move(profile));
  response->set_version(std::move(version));
  return grpc::Status::OK;
}

grpc::Status DatasetServiceImpl::GetDrift(grpc::ServerContext* context,
                                          const v1::DatasetRequest* request,
                                          v1::GetDriftResponse* response) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  std::string dir;
  if (Status s = ResolveDataset(request->dataset(), &dir); !s.ok()) return ToGrpc(s);
  // A refused version's report stays beside the dataset until a later
  // publish there succeeds: while it exists, it is the latest comparison.
  std::string text;
  Status s = ReadBack(prepare::RejectedReportPath(dir), &text);
  if (s.IsNotFound())
    s = ReadBack((std::filesystem::path(dir) / prepare::kDriftFile).string(), &text);
  if (s.IsNotFound()) {
    return ToGrpc(Status::NotFound("dataset \"" + request->dataset() +
                                   "\": no drift report there (no dataset, no monitor, or only "
                                   "its first version)"));
  }
  if (!s.ok()) return ToGrpc(s);
  const auto report = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  s = DriftSummaryOf(report, response->mutable_summary());
  if (!s.ok())
    return ToGrpc(Status::Corruption("dataset \"" + request->dataset() + "\": " + s.message()));
  response->set_report_json(std::move(text));
  return grpc::Status::OK;
}

}  // namespace gleaner::service
