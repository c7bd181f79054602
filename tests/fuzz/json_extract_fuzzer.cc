// JSON extraction as a job source configures it. Input: an extraction spec
// (extraction_spec.h: records/field/next/cursor lines), an empty line, the
// response body. Properties: a spec that compiles extracts from any body or
// refuses it with InvalidArgument, record_count is the number of records, and
// with fields configured every record has exactly those fields in order.
#include <memory>

#include "crawler/extract/json_extractor.h"
#include "tests/fuzz/extraction_spec.h"
#include "tests/fuzz/fuzz_support.h"

using namespace gleaner::crawler;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceSpec source;
  std::string_view body = gleaner::fuzz::ReadJsonSpec(gleaner::fuzz::AsText(data, size), &source);
  std::unique_ptr<JsonExtractor> extractor;
  if (!JsonExtractor::Compile(source, &extractor).ok()) return 0;
  JsonExtraction out;
  gleaner::Status s = extractor->Extract(body, &out);
  if (!s.ok()) {
    FUZZ_CHECK(s.IsInvalidArgument(), "Extract failed other than for bad JSON: %s", s.ToString().c_str());
    return 0;
  }
  FUZZ_CHECK(out.record_count == out.records.size(), "record_count %zu for %zu records",
             out.record_count, out.records.size());
  if (!source.json_fields.empty()) {
    for (const auto& record : out.records) {
      FUZZ_CHECK(record.size() == source.json_fields.size(), "a record with %zu fields, the spec has %zu",
                 record.size(), source.json_fields.size());
      for (size_t i = 0; i < record.size(); ++i) {
        FUZZ_CHECK(record[i].name() == source.json_fields[i].name, "field %zu is '%s'", i,
                   record[i].name().c_str());
      }
    }
  }
  if (out.next_url) FUZZ_CHECK(!out.next_url->empty(), "an empty next_url");
  if (out.next_cursor) FUZZ_CHECK(!out.next_cursor->empty(), "an empty next_cursor");
  return 0;
}
