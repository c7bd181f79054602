// HTML extraction as a job source configures it. Input: an extraction spec
// (extraction_spec.h: follow/when/list/field lines), an empty line, the page.
// Properties: a spec that compiles extracts from any page without failing
// (or fails only for nesting), every record has one field per spec field in
// spec order, a count field (and only it) is a non-negative integer, and links
// are never empty.
#include <memory>

#include "crawler/extract/html_extractor.h"
#include "tests/fuzz/extraction_spec.h"
#include "tests/fuzz/fuzz_support.h"

using namespace gleaner::crawler;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SourceSpec source;
  std::string_view page = gleaner::fuzz::ReadHtmlSpec(gleaner::fuzz::AsText(data, size), &source);
  std::unique_ptr<HtmlExtractor> extractor;
  if (!HtmlExtractor::Compile(source, &extractor).ok()) return 0;
  HtmlExtraction out;
  gleaner::Status s = extractor->Extract(page, &out);
  if (!s.ok()) {
    FUZZ_CHECK(s.IsInvalidArgument(), "Extract failed other than for nesting: %s", s.ToString().c_str());
    return 0;
  }
  for (const std::string& link : out.links) FUZZ_CHECK(!link.empty(), "an empty link");
  FUZZ_CHECK(out.records.empty() || out.is_record_page, "records from a page that is not a record page");
  size_t field_count = source.records ? source.records->fields.size() : 0;
  for (const auto& record : out.records) {
    FUZZ_CHECK(record.size() == field_count, "a record with %zu fields, the spec has %zu",
               record.size(), field_count);
    for (size_t i = 0; i < record.size(); ++i) {
      const HtmlFieldSpec& spec = source.records->fields[i];
      FUZZ_CHECK(record[i].name() == spec.name, "field %zu is '%s', not '%s'", i,
                 record[i].name().c_str(), spec.name.c_str());
      FUZZ_CHECK((spec.take == TakeMode::kCount) == record[i].value().has_int_value(),
                 "field '%s': a count must be an integer and only a count is", spec.name.c_str());
      FUZZ_CHECK(!record[i].value().has_int_value() || record[i].value().int_value() >= 0,
                 "field '%s': a negative count", spec.name.c_str());
    }
  }
  return 0;
}
