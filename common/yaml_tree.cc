#include "common/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>

namespace gleaner::yaml {
namespace {

// A limit the builder enforces from inside yaml-cpp's event callbacks; thrown
// through the parser, which holds nothing that leaks when unwound.
struct Refusal {
  YAML::Mark mark;
  std::string message;
};

std::string NestingMessage() {
  return "nesting deeper than " + std::to_string(kMaxNesting) + " levels";
}

// True if line `line` (0-based) of `text` is indented with a tab, which YAML forbids
// and yaml-cpp reports as whatever token it was reading.
bool IndentedWithTab(std::string_view text, int line) {
  size_t start = 0;
  for (int i = 0; i < line && start != std::string_view::npos; ++i) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos) return false;
  for (size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i) {
    if (text[i] == '\t') return true;
  }
  return false;
}

// yaml-cpp's syntax messages name the parser state; say what usually causes it.
std::string ExplainSyntaxError(const std::string& msg, bool indented_with_tab) {
  if (indented_with_tab) return msg + " (indent with spaces, not tabs)";
  static const std::pair<std::string_view, std::string_view> kHints[] = {
      {"end of map not found", "this line is indented differently from the keys above it"},
      {"end of sequence not found", "this line is indented differently from the items above it"},
      {"illegal map value", "a ':' where none was expected; quote values that contain ': '"},
      {"end of sequence flow not found", "a '[' is not closed by ']'"},
      {"end of map flow not found", "a '{' is not closed by '}'"},
  };
  for (const auto& [prefix, hint] : kHints) {
    if (msg.starts_with(prefix)) return msg + " (" + std::string(hint) + ")";
  }
  return msg;
}

// The token yaml-cpp could not start a value with, e.g. "unexpected ','".
std::string DescribeStrayToken(std::string_view text, const YAML::Mark& mark) {
  if (mark.pos >= 0 && static_cast<size_t>(mark.pos) < text.size()) {
    const char c = text[static_cast<size_t>(mark.pos)];
    if (c > ' ' && c < 0x7f) return std::string("unexpected '") + c + "'";
  }
  return "unexpected text";
}

bool SamePlace(const YAML::Mark& a, const YAML::Mark& b) {
  return a.pos == b.pos && a.line == b.line && a.column == b.column;
}

}  // namespace

// Turns the events of one document into Values. Open lists and maps are kept on an
// explicit stack, so deep nesting costs heap, not call stack, and is refused at
// kMaxNesting before yaml-cpp's own recursion gets anywhere near its guard.
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(Tree* tree) : tree_(tree) {}

  const YAML::Mark& start() const { return start_; }
  const Value* root() const { return root_; }

  void OnDocumentStart(const YAML::Mark& mark) override { start_ = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Complete(NewValue(Value::Kind::kNull, mark), 1, anchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& value) override {
    Value* scalar = NewValue(Value::Kind::kScalar, mark);
    scalar->scalar = value;
    Complete(scalar, 1 + value.size(), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    // yaml-cpp knows the name once its anchor is read, before the value it names ends.
    if (it == anchors_.end()) throw Refusal{mark, "an alias inside the value it refers to"};
    alias_expansion_ += it->second.weight;
    if (alias_expansion_ > kMaxAliasExpansion) {
      throw Refusal{mark, "aliases expand the document by more than " +
                              std::to_string(kMaxAliasExpansion) + " bytes"};
    }
    Complete(it->second.value, it->second.weight, YAML::NullAnchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    Open(Value::Kind::kList, mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    Open(Value::Kind::kMap, mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  // A list or map still being read. `weight` is its size with aliases expanded.
  struct Frame {
    Value* value;
    uint64_t weight;
    YAML::anchor_t anchor;
    const Value* pending_key;
  };
  struct Anchored {
    const Value* value;
    uint64_t weight;
  };

  Value* NewValue(Value::Kind kind, const YAML::Mark& mark) {
    return tree_->Add(kind, mark.line + 1, mark.column + 1);
  }

  void Open(Value::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= static_cast<size_t>(kMaxNesting)) throw Refusal{mark, NestingMessage()};
    open_.push_back({NewValue(kind, mark), 1, anchor, nullptr});
  }

  void Close() {
    Frame done = open_.back();
    open_.pop_back();
    Complete(done.value, done.weight, done.anchor);
  }

  // Hands a finished value to the list or map around it (or makes it the root).
  void Complete(const Value* value, uint64_t weight, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {value, weight};
    if (open_.empty()) {
      root_ = value;
      return;
    }
    Frame& parent = open_.back();
    parent.weight += weight;
    if (parent.value->kind == Value::Kind::kList) {
      parent.value->items.push_back(value);
    } else if (parent.pending_key == nullptr) {
      parent.pending_key = value;
    } else {
      parent.value->entries.emplace_back(parent.pending_key, value);
      parent.pending_key = nullptr;
    }
  }

  Tree* tree_;
  YAML::Mark start_;
  const Value* root_ = nullptr;
  std::vector<Frame> open_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  uint64_t alias_expansion_ = 0;
};

Tree::Tree() : root_(Add(Value::Kind::kNull, 1, 1)) {}

Value* Tree::Add(Value::Kind kind, int line, int column) {
  Value& value = values_.emplace_back();
  value.kind = kind;
  value.line = line;
  value.column = column;
  return &value;
}

bool Tree::Parse(std::string_view text, SyntaxError* error) {
  values_.clear();
  root_ = Add(Value::Kind::kNull, 1, 1);
  auto fail_at = [&](int line, int column, std::string message) {
    error->line = line;
    error->column = column;
    error->message = std::move(message);
    root_ = &values_.front();
    return false;
  };
  auto fail = [&](const YAML::Mark& mark, std::string message) {
    // A mark is null (-1) when yaml-cpp could not place the error; point at the file start.
    if (mark.is_null()) return fail_at(1, 1, std::move(message));
    return fail_at(mark.line + 1, mark.column + 1, std::move(message));
  };
  if (text.size() > kMaxDocumentBytes) {
    return fail_at(1, 1,
                   "longer than " + std::to_string(kMaxDocumentBytes) +
                       " bytes, the limit for a YAML document");
  }
  std::istringstream stream{std::string(text)};
  try {
    YAML::Parser parser(stream);
    TreeBuilder first(this);
    if (!parser.HandleNextDocument(first)) return true;
    root_ = first.root();
    // A token that cannot start a value (',' ']' '}' '?') reads as an empty document
    // that consumes nothing, so the next one starts at the same token: YAML::LoadAll
    // loops there forever. Two more documents are enough to tell that from a real
    // second document, which is refused either way.
    YAML::Mark previous_start = first.start();
    std::optional<std::pair<int, int>> second;  // where the second document's value starts
    for (int probe = 0; probe < 2 && parser; ++probe) {
      Tree scratch;
      TreeBuilder next(&scratch);
      if (!parser.HandleNextDocument(next)) break;
      if (SamePlace(next.start(), previous_start)) {
        return fail(next.start(), "invalid YAML: " + DescribeStrayToken(text, next.start()));
      }
      if (!second) second.emplace(next.root()->line, next.root()->column);
      previous_start = next.start();
    }
    if (second) {
      return fail_at(second->first, second->second,
                     "expected one YAML document, got a second one (after '---')");
    }
    return true;
  } catch (const Refusal& refusal) {
    return fail(refusal.mark, refusal.message);
  } catch (const YAML::DeepRecursion& e) {
    return fail(e.mark, NestingMessage());
  } catch (const YAML::Exception& e) {
    const bool tab = !e.mark.is_null() && IndentedWithTab(text, e.mark.line);
    return fail(e.mark, "invalid YAML: " + ExplainSyntaxError(e.msg, tab));
  }
}

}  // namespace gleaner::yaml
