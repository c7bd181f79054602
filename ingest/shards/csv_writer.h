// CSV shards per RFC 4180: a header row of column names, CRLF line ends,
// fields quoted when they hold a comma, quote, CR or LF (quotes doubled).
// A null is an empty field; an empty string is written as "" so the two stay
// distinct. Booleans are true/false, timestamps ISO-8601 UTC.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ingest/shards/shard_writer.h"

namespace gleaner::shards {

Status OpenCsvWriter(const std::string& path, const std::vector<ColumnSpec>& columns,
                     std::unique_ptr<ShardWriter>* out);

}  // namespace gleaner::shards
