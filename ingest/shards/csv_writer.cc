#include "ingest/shards/csv_writer.h"

#include "ingest/shards/text_encoding.h"
#include "ingest/shards/text_shard_writer.h"

namespace gleaner::shards {

namespace {

void AppendField(std::string_view raw, std::string* out) {
  const std::string text = ToValidUtf8(raw);
  if (!text.empty() && text.find_first_of(",\"\r\n") == std::string::npos) {
    *out += text;
    return;
  }
  // Quoted: the only way to tell an empty string from a null (empty field).
  *out += '"';
  for (char c : text) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

class CsvWriter : public TextShardWriter {
 public:
  using TextShardWriter::TextShardWriter;

 protected:
  std::string Header() const override {
    std::string header;
    for (size_t i = 0; i < columns().size(); ++i) {
      if (i > 0) header += ',';
      AppendField(columns()[i].name, &header);
    }
    header += "\r\n";
    return header;
  }

  void FormatRow(const std::vector<v1::Value>& row, std::string* out) const override {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) *out += ',';
      const v1::Value& value = row[i];
      switch (value.kind_case()) {
        case v1::Value::kStringValue:
          AppendField(value.string_value(), out);
          break;
        case v1::Value::kIntValue:
          *out += std::to_string(value.int_value());
          break;
        case v1::Value::kDoubleValue:
          *out += FormatDouble(value.double_value());
          break;
        case v1::Value::kBoolValue:
          *out += value.bool_value() ? "true" : "false";
          break;
        case v1::Value::kTimestampMicros:
          *out += FormatTimestampMicros(value.timestamp_micros());
          break;
        default:
          break;  // null: empty field
      }
    }
    *out += "\r\n";
  }
};

}  // namespace

Status OpenCsvWriter(const std::string& path, const std::vector<ColumnSpec>& columns,
                     std::unique_ptr<ShardWriter>* out) {
  auto writer = std::make_unique<CsvWriter>(columns);
  GLEANER_RETURN_IF_ERROR(writer->Open(path));
  *out = std::move(writer);
  return Status::OK();
}

}  // namespace gleaner::shards
