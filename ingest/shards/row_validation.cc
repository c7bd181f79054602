#include "ingest/shards/row_validation.h"

#include <string>

#include "ingest/shards/text_encoding.h"

namespace gleaner::shards {

namespace {

v1::Value::KindCase KindFor(schema::ColumnType type) {
  switch (type) {
    case schema::ColumnType::kString:
      return v1::Value::kStringValue;
    case schema::ColumnType::kInt64:
      return v1::Value::kIntValue;
    case schema::ColumnType::kDouble:
      return v1::Value::kDoubleValue;
    case schema::ColumnType::kBool:
      return v1::Value::kBoolValue;
    case schema::ColumnType::kTimestampMicros:
      return v1::Value::kTimestampMicros;
  }
  return v1::Value::KIND_NOT_SET;
}

const char* KindName(v1::Value::KindCase kind) {
  switch (kind) {
    case v1::Value::kStringValue:
      return "string";
    case v1::Value::kIntValue:
      return "int";
    case v1::Value::kDoubleValue:
      return "double";
    case v1::Value::kBoolValue:
      return "bool";
    case v1::Value::kTimestampMicros:
      return "timestamp";
    case v1::Value::kBytesValue:
      return "bytes";
    case v1::Value::kJsonValue:
      return "json";
    case v1::Value::KIND_NOT_SET:
      return "null";
  }
  return "unknown";
}

}  // namespace

bool IsNull(const v1::Value& value) { return value.kind_case() == v1::Value::KIND_NOT_SET; }

const v1::Value& WithValidUtf8(const v1::Value& value, v1::Value* scratch) {
  if (value.kind_case() != v1::Value::kStringValue || IsValidUtf8(value.string_value())) {
    return value;
  }
  scratch->set_string_value(ToValidUtf8(value.string_value()));
  return *scratch;
}

Status CheckRow(const std::vector<ColumnSpec>& columns, const std::vector<v1::Value>& row) {
  if (row.size() != columns.size()) {
    return Status::InvalidArgument("row has " + std::to_string(row.size()) +
                                   " values, schema has " + std::to_string(columns.size()) +
                                   " columns");
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnSpec& column = columns[i];
    const v1::Value& value = row[i];
    if (IsNull(value)) {
      if (!column.nullable) {
        return Status::InvalidArgument("column '" + column.name + "' is not nullable but got null");
      }
      continue;
    }
    if (value.kind_case() != KindFor(column.type)) {
      return Status::InvalidArgument("column '" + column.name + "' has type " +
                                     schema::ColumnTypeName(column.type) + " but got a " +
                                     KindName(value.kind_case()) + " value");
    }
  }
  return Status::OK();
}

}  // namespace gleaner::shards
