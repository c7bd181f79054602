#include "ingest/service/dataset_service.h"

#include <cstdlib>

#include "ingest/prepare/dataset_pipeline.h"
#include "ingest/rules/rules_parser.h"
#include "ingest/service/grpc_status.h"
#include "ingest/service/pull_cursor.h"
#include "storage/keys.h"
#include "storage/store_reader.h"

namespace gleaner::service {

namespace {

constexpr uint32_t kDefaultBatchRows = 1024;
constexpr uint32_t kMaxBatchRows = 65536;

Status ParseSplit(const std::string& name, split::Split* out) {
  for (split::Split s : {split::Split::kTrain, split::Split::kValidation, split::Split::kTest}) {
    if (name == split::SplitName(s)) {
      *out = s;
      return Status::OK();
    }
  }
  return Status::InvalidArgument("split: expected train, validation or test, got \"" + name + "\"");
}

v1::ColumnType ToProto(shards::ColumnType t) {
  switch (t) {
    case shards::ColumnType::kInt64:
      return v1::COLUMN_INT64;
    case shards::ColumnType::kDouble:
      return v1::COLUMN_DOUBLE;
    case shards::ColumnType::kBool:
      return v1::COLUMN_BOOL;
    case shards::ColumnType::kTimestampMicros:
      return v1::COLUMN_TIMESTAMP_MICROS;
    default:
      return v1::COLUMN_STRING;
  }
}

// Delivers one split's rows to the stream in batches, after skipping the
// rows a resumed stream already has.
class StreamSink : public prepare::DatasetSink {
 public:
  StreamSink(grpc::ServerContext* context, grpc::ServerWriter<v1::PullDatasetResponse>* writer,
             split::Split split, PullCursor cursor, uint32_t batch_rows,
             const std::vector<shards::ColumnSpec>& columns)
      : context_(context),
        writer_(writer),
        split_(split),
        cursor_(std::move(cursor)),
        skip_(cursor_.rows),
        batch_rows_(batch_rows) {
    for (const auto& c : columns) {
      v1::DatasetColumn* col = batch_.add_columns();
      col->set_name(c.name);
      col->set_type(ToProto(c.type));
      col->set_nullable(c.nullable);
    }
  }

  Status Write(split::Split split, const std::vector<v1::Value>& row) override {
    if (split != split_) return Status::OK();
    if (skip_ > 0) {
      --skip_;
      return Status::OK();
    }
    v1::DatasetRow* out = batch_.add_rows();
    out->mutable_values()->Add(row.begin(), row.end());
    if (static_cast<uint32_t>(batch_.rows_size()) >= batch_rows_) return Flush();
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
    batch_.Clear();
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
  split::Split split_;
  PullCursor cursor_;
  uint64_t skip_;
  uint32_t batch_rows_;
  v1::PullDatasetResponse batch_;
  bool sent_any_ = false;
};

}  // namespace

grpc::Status DatasetServiceImpl::PullDataset(grpc::ServerContext* context,
                                             const v1::PullDatasetRequest* request,
                                             grpc::ServerWriter<v1::PullDatasetResponse>* writer) {
  if (grpc::Status a = auth_->Check(*context); !a.ok()) return a;
  split::Split split;
  Status s = ParseSplit(request->split(), &split);
  rules::RulesConfig rules;
  if (s.ok()) s = rules::ParseRulesYaml(request->rules_yaml(), "rules", &rules);
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
  uint32_t batch_rows = request->batch_rows() == 0 ? kDefaultBatchRows
                                                   : std::min(request->batch_rows(), kMaxBatchRows);

  prepare::PipelineOptions options;
  const char* tmp = std::getenv("TMPDIR");
  options.spill_dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  StreamSink sink(context, writer, split, cursor, batch_rows, prepare::OutputColumns(rules));
  prepare::PrepareReport report;
  s = prepare::RunPipeline(&reader, request->job(), rules, options, &sink, &report);
  if (s.ok()) s = sink.Flush();
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, s.message());
  return ToGrpc(s);
}

}  // namespace gleaner::service
