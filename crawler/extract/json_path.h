// JsonPath: a compiled JSONPath expression (a subset) evaluated against a
// parsed JSON document. Parse once, evaluate from any number of threads: a
// parsed path is immutable, and results point into the document, which must
// outlive them.
//
// Supported: `$` (the root, required first), `.name`, `['key with spaces']`
// and `["k"]` (a backslash escapes the next character), `[n]` (negative n
// counts from the end: [-1] is the last element), and `[*]` / `.*` (every
// element of an array or every value of an object, in document order). A step
// that does not apply (a name on an array, an index out of range) yields
// nothing rather than an error: APIs omit fields.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gleaner::crawler {

class JsonPath {
 public:
  // Errors name the character offset (0-based) and what was expected:
  // "json path '$.a[': expected an index, a quoted key or '*' at offset 4".
  static Status Parse(std::string_view text, JsonPath* out);

  // Every value the path selects, in document order.
  std::vector<const nlohmann::json*> Evaluate(const nlohmann::json& root) const;
  // The same over a document that keeps object keys in source order.
  std::vector<const nlohmann::ordered_json*> Evaluate(const nlohmann::ordered_json& root) const;

  const std::string& text() const { return text_; }

 private:
  friend class JsonPathParser;

  struct Step {
    enum class Kind { kKey, kIndex, kWildcard } kind = Kind::kWildcard;
    std::string key;
    int64_t index = 0;
  };

  template <typename Json>
  std::vector<const Json*> EvaluateSteps(const Json& root) const;

  std::string text_;
  std::vector<Step> steps_;
};

}  // namespace gleaner::crawler
