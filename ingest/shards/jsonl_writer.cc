#include "ingest/shards/jsonl_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "ingest/shards/text_encoding.h"
#include "ingest/shards/text_shard_writer.h"

namespace gleaner::shards {

namespace {

class JsonlWriter : public TextShardWriter {
 public:
  using TextShardWriter::TextShardWriter;

 protected:
  std::string Header() const override { return {}; }

  void FormatRow(const std::vector<v1::Value>& row, std::string* out) const override {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (size_t i = 0; i < row.size(); ++i) {
      object[ToValidUtf8(columns()[i].name)] = ValueToJson(row[i]);
    }
    // Strings were repaired above, so the strict handler never throws.
    *out += object.dump();
    *out += '\n';
  }
};

}  // namespace

Status OpenJsonlWriter(const std::string& path, const std::vector<ColumnSpec>& columns,
                       std::unique_ptr<ShardWriter>* out) {
  auto writer = std::make_unique<JsonlWriter>(columns);
  GLEANER_RETURN_IF_ERROR(writer->Open(path));
  *out = std::move(writer);
  return Status::OK();
}

}  // namespace gleaner::shards
