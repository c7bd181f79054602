#include "schema/column_type.h"

#include <catch2/catch.hpp>
#include <string>

#include "schema/column_type_proto.h"

namespace gleaner::schema {
namespace {

constexpr ColumnType kEveryType[] = {ColumnType::kString, ColumnType::kInt64, ColumnType::kDouble,
                                     ColumnType::kBool, ColumnType::kTimestampMicros};

TEST_CASE("every column type crosses the wire as its own v1 value and comes back") {
  CHECK(ToProto(ColumnType::kString) == v1::COLUMN_STRING);
  CHECK(ToProto(ColumnType::kInt64) == v1::COLUMN_INT64);
  CHECK(ToProto(ColumnType::kDouble) == v1::COLUMN_DOUBLE);
  CHECK(ToProto(ColumnType::kBool) == v1::COLUMN_BOOL);
  CHECK(ToProto(ColumnType::kTimestampMicros) == v1::COLUMN_TIMESTAMP_MICROS);
  for (ColumnType type : kEveryType) CHECK(FromProto(ToProto(type)) == type);
}

TEST_CASE("a wire column type this build does not know reads as a string column") {
  CHECK(FromProto(static_cast<v1::ColumnType>(99)) == ColumnType::kString);
}

TEST_CASE("column types are named as manifest.json spells them") {
  std::string names;
  for (ColumnType type : kEveryType) names += std::string(ColumnTypeName(type)) + " ";
  CHECK(names == "string int64 double bool timestamp ");
}

}  // namespace
}  // namespace gleaner::schema
