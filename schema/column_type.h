// ColumnType: the type of one column of a prepared dataset -- what the rules
// coerce a field to, what the shard writers store, what manifest.json and
// PullDataset announce. The one spelling of it for every stage (rules,
// shards, prepare, the services); its wire form, v1::ColumnType, is converted
// in column_type_proto.h. Plain values; thread-safe.
#pragma once

namespace gleaner::schema {

// A rules file's `category` is a kString column flagged categorical (the
// field's `categorical`, DatasetColumn.categorical on the wire), not a type
// of its own: every writer stores it as a string.
enum class ColumnType { kString, kInt64, kDouble, kBool, kTimestampMicros };

// The word a dataset's schema spells the type with (manifest.json, row
// errors): "string", "int64", "double", "bool", "timestamp". A rules file
// has its own words for them (rules_config.h: "int", "float", ...).
const char* ColumnTypeName(ColumnType type);

}  // namespace gleaner::schema
