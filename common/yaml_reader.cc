#include "common/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gleaner::yaml {
namespace {

std::string ChildPath(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return parent + "." + std::string(key);
}

std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "\"";
  for (char c : text.substr(0, kMaxShown)) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "\"";
}

// What the user wrote, for the "got ..." half of a message.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    case YAML::NodeType::Sequence:
      return node.size() == 0 ? "an empty list" : "a list";
    case YAML::NodeType::Map:
      return node.size() == 0 ? "an empty map" : "a map";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string JoinWords(const std::vector<std::string_view>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += ", ";
    out += words[i];
  }
  return out;
}

// "'a', 'b' or 'c'"
std::string JoinAlternatives(const std::vector<std::string_view>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += "'" + std::string(words[i]) + "'";
  }
  return out;
}

// The allowed word closest to a typo, if it is close enough to be what was meant.
std::string_view ClosestWord(std::string_view typo, const std::vector<std::string_view>& words) {
  std::string_view best;
  int best_distance = std::numeric_limits<int>::max();
  for (std::string_view word : words) {
    int d = EditDistance(typo, word);
    if (d < best_distance) {
      best_distance = d;
      best = word;
    }
  }
  int tolerance = std::max<int>(1, static_cast<int>(typo.size()) / 3);
  return best_distance <= tolerance ? best : std::string_view();
}

std::string DidYouMean(std::string_view typo, const std::vector<std::string_view>& words) {
  std::string_view closest = ClosestWord(typo, words);
  if (closest.empty()) return "";
  return " (did you mean '" + std::string(closest) + "'?)";
}

std::string FormatNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", value);
  return buf;
}

std::string DescribeIntRange(int64_t min, int64_t max, bool unbounded_above) {
  if (unbounded_above) {
    if (min == 1) return "a positive integer";
    if (min == 0) return "a non-negative integer";
    return "an integer of at least " + std::to_string(min);
  }
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string DescribeNumberRange(double min, double max) {
  bool has_min = std::isfinite(min);
  bool has_max = std::isfinite(max);
  if (has_min && has_max) return "a number from " + FormatNumber(min) + " to " + FormatNumber(max);
  if (has_min) return "a number of at least " + FormatNumber(min);
  if (has_max) return "a number of at most " + FormatNumber(max);
  return "a number";
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

}  // namespace

// Optimal string alignment: Levenshtein plus swapping two adjacent characters
// as one edit, the commonest typo ("tpye").
int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// ---------------------------------------------------------------------------
// Document

Status Document::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    name_ = path;
    status_ = Status::IOError("cannot read " + path + ": " + std::strerror(errno));
    return status_;
  }
  return LoadString(text.str(), path);
}

Status Document::LoadString(std::string_view text, std::string display_name) {
  name_ = std::move(display_name);
  status_ = Status::OK();
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    root_ = documents.empty() ? YAML::Node() : documents[0];
    if (documents.size() > 1) {
      const YAML::Mark mark = documents[1].Mark();
      Record(mark.line + 1, mark.column + 1, "",
             "expected one YAML document, got a second one (after '---')");
    }
  } catch (const YAML::Exception& e) {
    // A mark is null (-1) when yaml-cpp could not place the error; point at the file start.
    int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    int column = e.mark.is_null() ? 1 : e.mark.column + 1;
    root_ = YAML::Node();
    const bool tab = !e.mark.is_null() && IndentedWithTab(text, e.mark.line);
    Record(line, column, "", "invalid YAML: " + ExplainSyntaxError(e.msg, tab));
  }
  return status_;
}

Node Document::Root() {
  if (root_.IsNull()) return Node(this, root_, "", 1, 1);
  const YAML::Mark mark = root_.Mark();
  return Node(this, root_, "", mark.line + 1, mark.column + 1);
}

void Document::Record(int line, int column, std::string_view path, std::string_view what) {
  if (!status_.ok()) return;
  std::string message = name_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!path.empty()) message += std::string(path) + ": ";
  message += what;
  status_ = Status::InvalidArgument(std::move(message));
}

// ---------------------------------------------------------------------------
// Node

Node::Node(Document* doc, YAML::Node node, std::string path, int line, int column)
    : doc_(doc),
      node_(std::move(node)),
      path_(std::move(path)),
      line_(line),
      column_(column),
      present_(true) {}

Node::Node(Document* doc, std::string path, int line, int column)
    : doc_(doc), path_(std::move(path)), line_(line), column_(column), present_(false) {}

bool Node::ok() const { return doc_->status().ok(); }

void Node::Fail(std::string_view what) const { doc_->Record(line_, column_, path_, what); }

void Node::FailExpected(std::string_view expected, std::string_view why) const {
  std::string what = "expected " + std::string(expected) + ", got " + Describe(node_);
  if (!why.empty()) what += " (" + std::string(why) + ")";
  Fail(what);
}

bool Node::ReadString(std::string* out) const {
  if (!present_ || !ok()) return false;
  if (!node_.IsScalar()) {
    FailExpected("a string");
    return false;
  }
  *out = node_.Scalar();
  return true;
}

bool Node::ReadBool(bool* out) const {
  if (!present_ || !ok()) return false;
  if (node_.IsScalar()) {
    std::string word = node_.Scalar();
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (word == "true" || word == "false") {
      *out = word == "true";
      return true;
    }
  }
  FailExpected("true or false");
  return false;
}

bool Node::ReadInt64(int64_t min, int64_t max, bool unbounded_above, int64_t* out) const {
  if (!present_ || !ok()) return false;
  const std::string expected = DescribeIntRange(min, max, unbounded_above);
  if (!node_.IsScalar()) {
    FailExpected(expected);
    return false;
  }
  const std::string& text = node_.Scalar();
  std::string_view digits = text;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  int64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error == std::errc::result_out_of_range) {
    Fail("expected " + expected + ", got " + text);
    return false;
  }
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    FailExpected(expected);
    return false;
  }
  if (value < min || value > max) {
    Fail("expected " + expected + ", got " + text);
    return false;
  }
  *out = value;
  return true;
}

bool Node::ReadDouble(double min, double max, double* out) const {
  if (!present_ || !ok()) return false;
  const std::string expected = DescribeNumberRange(min, max);
  if (!node_.IsScalar()) {
    FailExpected(expected);
    return false;
  }
  const std::string& text = node_.Scalar();
  std::string_view digits = text;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
      !std::isfinite(value)) {
    FailExpected(expected);
    return false;
  }
  if (value < min || value > max) {
    Fail("expected " + expected + ", got " + text);
    return false;
  }
  *out = value;
  return true;
}

bool Node::ReadWord(const std::vector<std::string_view>& words, int* index) const {
  if (!present_ || !ok()) return false;
  if (node_.IsScalar()) {
    auto it = std::find(words.begin(), words.end(), node_.Scalar());
    if (it != words.end()) {
      *index = static_cast<int>(it - words.begin());
      return true;
    }
  }
  std::string hint = node_.IsScalar() ? DidYouMean(node_.Scalar(), words) : "";
  Fail("expected " + JoinAlternatives(words) + ", got " + Describe(node_) + hint);
  return false;
}

bool Node::ReadStringList(std::vector<std::string>* out) const {
  if (!present_ || !ok()) return false;
  if (!node_.IsSequence()) {
    FailExpected("a list of strings");
    return false;
  }
  std::vector<std::string> values;
  for (const Node& item : Items()) {
    std::string value;
    if (!item.ReadString(&value)) return false;
    values.push_back(std::move(value));
  }
  *out = std::move(values);
  return true;
}

bool Node::ReadStringMap(std::map<std::string, std::string>* out) const {
  if (!present_ || !ok()) return false;
  MapReader map = AsOpenMap();
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : map.Entries()) {
    std::string text;
    if (!value.ReadString(&text)) return false;
    values[key.node_.Scalar()] = std::move(text);
  }
  if (!ok()) return false;
  *out = std::move(values);
  return true;
}

std::vector<Node> Node::Items() const {
  std::vector<Node> items;
  if (!present_ || !ok()) return items;
  if (!node_.IsSequence()) {
    FailExpected("a list");
    return items;
  }
  int index = 0;
  for (const YAML::Node& child : node_) {
    std::string child_path = path_ + "[" + std::to_string(index++) + "]";
    // An empty item has no position of its own; point at the list.
    if (child.IsNull()) {
      items.push_back(Node(doc_, child, std::move(child_path), line_, column_));
    } else {
      const YAML::Mark mark = child.Mark();
      items.push_back(Node(doc_, child, std::move(child_path), mark.line + 1, mark.column + 1));
    }
  }
  return items;
}

MapReader Node::AsOpenMap() const {
  MapReader map(*this);
  if (!present_ || !ok()) return map;
  if (!node_.IsMap()) {
    if (node_.IsNull() && path_.empty()) {
      Fail("expected a map, got an empty document");
    } else if (node_.IsNull()) {
      Fail(
          "expected a map, got an empty value (are the keys that belong to it indented "
          "under it?)");
    } else {
      FailExpected("a map");
    }
    return map;
  }
  for (const auto& entry : node_) {
    const YAML::Mark key_mark = entry.first.Mark();
    Node key(doc_, entry.first, path_, key_mark.line + 1, key_mark.column + 1);
    if (!entry.first.IsScalar()) {
      key.FailExpected("a plain key");
      return map;
    }
    const std::string& name = entry.first.Scalar();
    for (const auto& [seen, unused] : map.entries_) {
      if (seen.node_.Scalar() == name) {
        key.Fail("duplicate key '" + name + "' (first defined at line " +
                 std::to_string(seen.line()) + ", column " + std::to_string(seen.column()) + ")");
        return map;
      }
    }
    std::string value_path = ChildPath(path_, name);
    // An empty value's mark is wherever the next token is, often a later line:
    // the key is where the user looks.
    if (entry.second.IsNull()) {
      map.entries_.emplace_back(std::move(key), Node(doc_, entry.second, std::move(value_path),
                                                     key_mark.line + 1, key_mark.column + 1));
    } else {
      const YAML::Mark mark = entry.second.Mark();
      map.entries_.emplace_back(std::move(key), Node(doc_, entry.second, std::move(value_path),
                                                     mark.line + 1, mark.column + 1));
    }
  }
  return map;
}

MapReader Node::AsMap(const std::vector<std::string_view>& allowed) const {
  if (present_ && ok() && !node_.IsMap() && !node_.IsNull()) {
    FailExpected("a map (with keys " + JoinWords(allowed) + ")");
    return MapReader(*this);
  }
  MapReader map = AsOpenMap();
  map.CheckKeys(allowed);
  return map;
}

// ---------------------------------------------------------------------------
// MapReader

bool MapReader::Has(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first.node_.Scalar() == key) return true;
  }
  return false;
}

Node MapReader::Get(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first.node_.Scalar() == key) return entry.second;
  }
  return Node(self_.doc_, ChildPath(self_.path_, key), self_.line_, self_.column_);
}

Node MapReader::Required(std::string_view key) const {
  Node value = Get(key);
  if (!value.present() && self_.present()) {
    self_.Fail("missing required key '" + std::string(key) + "'");
  }
  return value;
}

bool MapReader::CheckKeys(const std::vector<std::string_view>& words) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Node& key = entries_[i].first;
    const std::string& name = key.node_.Scalar();
    if (std::find(words.begin(), words.end(), name) != words.end()) continue;
    std::string what = "unknown key '" + name + "'";
    if (i > 0 && entries_[i - 1].second.IsNull()) {
      // The classic mis-indentation: the key above lost its block to this level.
      const std::string& above = entries_[i - 1].first.node_.Scalar();
      what += "; '" + above + "' above it has no value: if '" + name + "' belongs to '" + above +
              "', indent it under '" + above + "'";
    } else {
      what += DidYouMean(name, words) + "; allowed keys are " + JoinWords(words);
    }
    key.Fail(what);
    return false;
  }
  return true;
}

}  // namespace gleaner::yaml
