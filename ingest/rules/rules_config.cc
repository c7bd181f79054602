#include "ingest/rules/rules_config.h"

namespace gleaner::rules {

shards::ColumnType ColumnTypeOf(FieldType type) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kCategory:
      return shards::ColumnType::kString;
    case FieldType::kInt:
      return shards::ColumnType::kInt64;
    case FieldType::kFloat:
      return shards::ColumnType::kDouble;
    case FieldType::kBool:
      return shards::ColumnType::kBool;
    case FieldType::kTimestamp:
      return shards::ColumnType::kTimestampMicros;
  }
  return shards::ColumnType::kString;
}

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInt:
      return "int";
    case FieldType::kFloat:
      return "float";
    case FieldType::kBool:
      return "bool";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kCategory:
      return "category";
  }
  return "string";
}

const char* SeverityName(Severity severity) { return WordOf(kSeverityWords, severity); }

const char* OutlierMethodName(OutlierMethod method) { return WordOf(kOutlierMethodWords, method); }

}  // namespace gleaner::rules
