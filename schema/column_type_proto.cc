#include "schema/column_type_proto.h"

namespace gleaner::schema {

v1::ColumnType ToProto(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return v1::COLUMN_STRING;
    case ColumnType::kInt64:
      return v1::COLUMN_INT64;
    case ColumnType::kDouble:
      return v1::COLUMN_DOUBLE;
    case ColumnType::kBool:
      return v1::COLUMN_BOOL;
    case ColumnType::kTimestampMicros:
      return v1::COLUMN_TIMESTAMP_MICROS;
  }
  return v1::COLUMN_STRING;
}

ColumnType FromProto(v1::ColumnType type) {
  switch (type) {
    case v1::COLUMN_INT64:
      return ColumnType::kInt64;
    case v1::COLUMN_DOUBLE:
      return ColumnType::kDouble;
    case v1::COLUMN_BOOL:
      return ColumnType::kBool;
    case v1::COLUMN_TIMESTAMP_MICROS:
      return ColumnType::kTimestampMicros;
    default:
      return ColumnType::kString;
  }
}

}  // namespace gleaner::schema
