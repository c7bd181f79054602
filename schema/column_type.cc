#include "schema/column_type.h"

namespace gleaner::schema {

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return "string";
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kDouble:
      return "double";
    case ColumnType::kBool:
      return "bool";
    case ColumnType::kTimestampMicros:
      return "timestamp";
  }
  return "unknown";
}

}  // namespace gleaner::schema
