// JSON Lines shards: one object per row, keys in column order, nulls as
// null, timestamps as ISO-8601 UTC strings with microseconds, invalid UTF-8
// replaced by U+FFFD. Non-finite doubles have no JSON number and are null.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ingest/shards/shard_writer.h"

namespace gleaner::shards {

Status OpenJsonlWriter(const std::string& path, const std::vector<ColumnSpec>& columns,
                       std::unique_ptr<ShardWriter>* out);

}  // namespace gleaner::shards
