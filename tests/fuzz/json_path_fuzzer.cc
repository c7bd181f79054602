// JSONPath. Input: a path, a newline, a JSON document. Properties: evaluation
// never fails, and a document read with its keys sorted (nlohmann::json) or in
// source order (ordered_json) yields the same number of values of the same
// types, since only the order of an object's values may differ.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "crawler/extract/json_path.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

template <typename Json>
std::vector<nlohmann::json::value_t> SortedTypes(const std::vector<const Json*>& values) {
  std::vector<nlohmann::json::value_t> types;
  for (const Json* value : values) types.push_back(value->type());
  std::sort(types.begin(), types.end());
  return types;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [text, body] = gleaner::fuzz::SplitFirstLine(gleaner::fuzz::AsText(data, size));
  gleaner::crawler::JsonPath path;
  if (!gleaner::crawler::JsonPath::Parse(text, &path).ok()) return 0;
  FUZZ_CHECK(path.text() == text, "text() is not the parsed text");
  nlohmann::json sorted = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (sorted.is_discarded()) return 0;
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(body, nullptr, false);
  FUZZ_CHECK(!ordered.is_discarded(), "ordered_json refuses what json accepts");
  auto from_sorted = path.Evaluate(sorted);
  auto from_ordered = path.Evaluate(ordered);
  FUZZ_CHECK(SortedTypes(from_sorted) == SortedTypes(from_ordered),
             "'%s': %zu values from json, %zu from ordered_json (or other types)",
             path.text().c_str(), from_sorted.size(), from_ordered.size());
  return 0;
}
