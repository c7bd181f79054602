#include "common/yaml_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

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

// What the user wrote, for the "got ..." half of a message; an absent key reads as empty.
std::string Describe(const Value* value) {
  if (value == nullptr) return "an empty value";
  switch (value->kind) {
    case Value::Kind::kNull:
      return "an empty value";
    case Value::Kind::kScalar:
      return Quote(value->scalar);
    case Value::Kind::kList:
      return value->items.empty() ? "an empty list" : "a list";
    case Value::Kind::kMap:
      return value->entries.empty() ? "an empty map" : "a map";
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

}  // namespace

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

Status ReadYamlFile(const std::string& path, std::string* out) {
  // One byte over the limit is enough for Tree::Parse to refuse the text.
  const size_t limit = kMaxDocumentBytes + 1;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot read " + path + ": " + std::strerror(errno));
  struct stat info;
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    // Bad input (a path given where a file belongs), not an unreadable file.
    return Status::InvalidArgument(path + ": is a directory, expected a YAML file");
  }
  out->clear();
  char chunk[64 * 1024];
  while (out->size() < limit) {
    const ssize_t n = ::read(fd, chunk, std::min(sizeof(chunk), limit - out->size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return Status::IOError("cannot read " + path + ": " + std::strerror(error));
    }
    if (n == 0) break;
    out->append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::OK();
}

Status Document::LoadFile(const std::string& path) {
  std::string text;
  Status read = ReadYamlFile(path, &text);
  if (!read.ok()) {
    name_ = path;
    status_ = read;
    return status_;
  }
  return LoadString(text, path);
}

Status Document::LoadString(std::string_view text, std::string display_name) {
  name_ = std::move(display_name);
  status_ = Status::OK();
  SyntaxError error;
  if (!tree_.Parse(text, &error)) Record(error.line, error.column, "", error.message);
  return status_;
}

Node Document::Root() {
  const Value& root = tree_.root();
  if (root.kind == Value::Kind::kNull) return Node(this, &root, "", 1, 1);
  return Node(this, &root, "", root.line, root.column);
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

Node::Node(Document* doc, const Value* value, std::string path, int line, int column)
    : doc_(doc),
      value_(value),
      path_(std::move(path)),
      line_(line),
      column_(column),
      present_(true) {}

Node::Node(Document* doc, std::string path, int line, int column)
    : doc_(doc), path_(std::move(path)), line_(line), column_(column), present_(false) {}

bool Node::ok() const { return doc_->status().ok(); }

void Node::Fail(std::string_view what) const { doc_->Record(line_, column_, path_, what); }

void Node::FailExpected(std::string_view expected, std::string_view why) const {
  std::string what = "expected " + std::string(expected) + ", got " + Describe(value_);
  if (!why.empty()) what += " (" + std::string(why) + ")";
  Fail(what);
}

bool Node::ReadString(std::string* out) const {
  if (!present_ || !ok()) return false;
  if (!IsScalar()) {
    FailExpected("a string");
    return false;
  }
  *out = value_->scalar;
  return true;
}

bool Node::ReadBool(bool* out) const {
  if (!present_ || !ok()) return false;
  if (IsScalar()) {
    std::string word = value_->scalar;
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
  if (!IsScalar()) {
    FailExpected(expected);
    return false;
  }
  const std::string& text = value_->scalar;
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
  if (!IsScalar()) {
    FailExpected(expected);
    return false;
  }
  const std::string& text = value_->scalar;
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
  if (IsScalar()) {
    auto it = std::find(words.begin(), words.end(), value_->scalar);
    if (it != words.end()) {
      *index = static_cast<int>(it - words.begin());
      return true;
    }
  }
  std::string hint = IsScalar() ? DidYouMean(value_->scalar, words) : "";
  Fail("expected " + JoinAlternatives(words) + ", got " + Describe(value_) + hint);
  return false;
}

bool Node::ReadStringList(std::vector<std::string>* out) const {
  if (!present_ || !ok()) return false;
  if (!IsList()) {
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
    values[key.value_->scalar] = std::move(text);
  }
  if (!ok()) return false;
  *out = std::move(values);
  return true;
}

std::vector<Node> Node::Items() const {
  std::vector<Node> items;
  if (!present_ || !ok()) return items;
  if (!IsList()) {
    FailExpected("a list");
    return items;
  }
  items.reserve(value_->items.size());
  for (const Value* child : value_->items) {
    std::string child_path = path_ + "[" + std::to_string(items.size()) + "]";
    // An empty item has no position of its own; point at the list.
    if (child->kind == Value::Kind::kNull) {
      items.push_back(Node(doc_, child, std::move(child_path), line_, column_));
    } else {
      items.push_back(Node(doc_, child, std::move(child_path), child->line, child->column));
    }
  }
  return items;
}

MapReader Node::AsOpenMap() const {
  MapReader map(*this);
  if (!present_ || !ok()) return map;
  if (!IsMap()) {
    if (IsNull() && path_.empty()) {
      Fail("expected a map, got an empty document");
    } else if (IsNull()) {
      Fail(
          "expected a map, got an empty value (are the keys that belong to it indented "
          "under it?)");
    } else {
      FailExpected("a map");
    }
    return map;
  }
  map.entries_.reserve(value_->entries.size());
  for (const auto& [key_value, value] : value_->entries) {
    Node key(doc_, key_value, path_, key_value->line, key_value->column);
    if (key_value->kind != Value::Kind::kScalar) {
      key.FailExpected("a plain key");
      return map;
    }
    const std::string& name = key_value->scalar;
    auto [seen, inserted] = map.index_.emplace(name, map.entries_.size());
    if (!inserted) {
      const Node& first = map.entries_[seen->second].first;
      key.Fail("duplicate key '" + name + "' (first defined at line " +
               std::to_string(first.line()) + ", column " + std::to_string(first.column()) + ")");
      return map;
    }
    std::string value_path = ChildPath(path_, name);
    // An empty value's position is wherever the next token is, often a later line:
    // the key is where the user looks.
    const bool empty = value->kind == Value::Kind::kNull;
    map.entries_.emplace_back(std::move(key), Node(doc_, value, std::move(value_path),
                                                   empty ? key_value->line : value->line,
                                                   empty ? key_value->column : value->column));
  }
  return map;
}

MapReader Node::AsMap(const std::vector<std::string_view>& allowed) const {
  if (present_ && ok() && !IsMap() && !IsNull()) {
    FailExpected("a map (with keys " + JoinWords(allowed) + ")");
    return MapReader(*this);
  }
  MapReader map = AsOpenMap();
  map.CheckKeys(allowed);
  return map;
}

// ---------------------------------------------------------------------------
// MapReader

bool MapReader::Has(std::string_view key) const { return index_.contains(key); }

Node MapReader::Get(std::string_view key) const {
  auto it = index_.find(key);
  if (it != index_.end()) return entries_[it->second].second;
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
    const std::string& name = key.value_->scalar;
    if (std::find(words.begin(), words.end(), name) != words.end()) continue;
    std::string what = "unknown key '" + name + "'";
    if (i > 0 && entries_[i - 1].second.IsNull()) {
      // The classic mis-indentation: the key above lost its block to this level.
      const std::string& above = entries_[i - 1].first.value_->scalar;
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
