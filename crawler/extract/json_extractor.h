// JsonExtractor: one JSON source's extraction compiled once -- the records
// path, the field paths and the pagination paths -- then applied to many
// response bodies. Extract is const and keeps no state between calls, so one
// extractor may serve a whole worker pool concurrently.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crawler/extract/extract_spec.h"
#include "crawler/extract/json_path.h"
#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

struct JsonExtraction {
  // Each value records_path selects is a record; one that is an array is
  // flattened into its elements. Fields keep JSON types: integers become
  // int_value (beyond int64: string_value of the digits, since a double
  // would change them), other numbers double_value, strings string_value,
  // booleans bool_value, null or missing a null Value (kind unset), objects
  // and arrays json_value (compact). With json_fields, each field is its
  // path's value relative to the record (several values, as from a
  // wildcard, become a JSON array). Without, a record object gives one field
  // per key in source order, and any other record one field named "value".
  std::vector<std::vector<v1::Field>> records;
  // Pagination kNextLink: the next_path value when it is a non-empty string.
  std::optional<std::string> next_url;
  // Pagination kCursor: the cursor_path value when it is a non-empty string
  // or a number (as its decimal text).
  std::optional<std::string> next_cursor;
  size_t record_count = 0;  // records.size(), the page size offset paging steps by
};

class JsonExtractor {
 public:
  // InvalidArgument naming the path that does not parse.
  static Status Compile(const ExtractSpec& source, std::unique_ptr<JsonExtractor>* out);

  // InvalidArgument with nlohmann's byte position when body is not JSON, and,
  // without parsing, for a body nesting arrays and objects deeper than
  // kMaxJsonNesting (common/json_nesting.h).
  Status Extract(std::string_view body, JsonExtraction* out) const;

 private:
  struct CompiledField {
    std::string name;
    JsonPath path;
  };

  JsonExtractor() = default;

  JsonPath records_path_;
  std::vector<CompiledField> fields_;
  std::optional<JsonPath> next_path_;
  std::optional<JsonPath> cursor_path_;
};

}  // namespace gleaner::crawler
