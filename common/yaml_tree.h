// One YAML document as plain values, built from yaml-cpp's parser events under
// limits that hostile text cannot get past: text is at most kMaxDocumentBytes,
// parsing ends after at most three documents' worth of events, nesting stops at
// kMaxNesting, aliases may not add more than kMaxAliasExpansion bytes, and
// nothing recurses over the values.
// A Tree owns its Values, which never move once parsed; use it from one thread at a time.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gleaner::yaml {

// Longer text is refused unparsed (jobs and rules are a few KiB).
inline constexpr size_t kMaxDocumentBytes = size_t{1} << 20;
// Lists and maps inside each other; real jobs and rules nest fewer than ten.
inline constexpr int kMaxNesting = 100;
// What aliases (*name) may add to the document when expanded, counting each value
// as one byte plus its text; without it, a few nested aliases repeat a value billions of times.
inline constexpr size_t kMaxAliasExpansion = size_t{1} << 20;

struct Value {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  int line = 1;  // 1-based, where the value starts
  int column = 1;
  std::string scalar;                                          // kScalar
  std::vector<const Value*> items;                             // kList
  std::vector<std::pair<const Value*, const Value*>> entries;  // kMap, in document order
};

// Where and why a text is not one acceptable YAML document (1-based position).
struct SyntaxError {
  int line = 1;
  int column = 1;
  std::string message;
};

class Tree {
 public:
  Tree();
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  // Parses `text` as exactly one document, replacing what the Tree held. Returns false
  // with *error set when the text is longer than kMaxDocumentBytes, is not YAML, holds
  // a second document, nests deeper than kMaxNesting or expands its aliases past
  // kMaxAliasExpansion. An alias shares
  // the value it names, so the values form a DAG (never a cycle).
  bool Parse(std::string_view text, SyntaxError* error);

  // The top-level value; a null at 1:1 for a document without content.
  const Value& root() const { return *root_; }

 private:
  friend class TreeBuilder;
  Value* Add(Value::Kind kind, int line, int column);

  std::deque<Value> values_;  // a deque, so that values never move as it grows
  const Value* root_;
};

}  // namespace gleaner::yaml
