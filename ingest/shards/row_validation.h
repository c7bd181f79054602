// Checks one row against the column specs before any writer stores it, so
// every format rejects the same rows with the same messages. Stateless and
// thread-safe.
#pragma once

#include <vector>

#include "common/status.h"
#include "ingest/shards/shard_writer.h"

namespace gleaner::shards {

// True when the Value has no kind set.
bool IsNull(const v1::Value& value);

// InvalidArgument naming the column when a value's kind does not match its
// column type, a non-nullable column holds a null, or the row has the wrong
// number of values.
Status CheckRow(const std::vector<ColumnSpec>& columns, const std::vector<v1::Value>& row);

// `value` itself, or, for a string with invalid UTF-8, a repaired copy held
// in *scratch: what every writer stores and counts in its statistics.
const v1::Value& WithValidUtf8(const v1::Value& value, v1::Value* scratch);

}  // namespace gleaner::shards
