// A strict reader for every YAML file Gleaner reads (jobs, rules).
// A Document owns the parsed text (a Tree) and the first error found in it; Nodes
// and MapReaders are cheap views that point back at their Document, so they must
// not outlive it, and a Document with its views is used from one thread at a time.
// Errors read "FILE:LINE:COL: PATH: expected ..., got ..." with 1-based positions;
// only the first is kept, and every read after it is a no-op that returns false.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/yaml_tree.h"

namespace gleaner::yaml {

class MapReader;
class Document;

// One value in the document, addressed by its dotted path ("sources[0].scope").
// A Node may be absent (the key is not in its map): every Read* on an absent
// node returns false without recording an error, so optional keys keep the
// caller's defaults. On a present node of the wrong shape, Read* records the
// error and returns false.
class Node {
 public:
  bool present() const { return present_; }
  bool IsNull() const { return present_ && value_->kind == Value::Kind::kNull; }
  bool IsScalar() const { return present_ && value_->kind == Value::Kind::kScalar; }
  bool IsMap() const { return present_ && value_->kind == Value::Kind::kMap; }
  bool IsList() const { return present_ && value_->kind == Value::Kind::kList; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }  // 1-based
  int column() const { return column_; }

  // Records "FILE:LINE:COL: PATH: what" at this node unless an error is already recorded.
  void Fail(std::string_view what) const;
  // Records "expected <expected>, got <a description of this node>", then " (<why>)" if given.
  void FailExpected(std::string_view expected, std::string_view why = {}) const;
  // True while the document has no recorded error.
  bool ok() const;

  bool ReadString(std::string* out) const;
  bool ReadBool(bool* out) const;  // only true/false (any case): "yes"/"on" are typos in disguise
  template <std::integral T>
  bool ReadInt(T min, T max, T* out) const {
    int64_t value = 0;
    if (!ReadInt64(min, max, max == std::numeric_limits<T>::max(), &value)) return false;
    *out = static_cast<T>(value);
    return true;
  }
  bool ReadDouble(double min, double max, double* out) const;
  bool ReadStringList(std::vector<std::string>* out) const;
  bool ReadStringMap(std::map<std::string, std::string>* out) const;
  // One word out of a fixed set: ReadEnum({{"html", Kind::kHtml}, {"json", Kind::kJson}}, &kind),
  // or out of an enum's word table (common/word_table.h): ReadEnum(kKindWords, &kind).
  template <typename E>
  bool ReadEnum(std::initializer_list<std::pair<std::string_view, std::type_identity_t<E>>> words,
                E* out) const {
    return ReadEnumOf(words.begin(), words.size(), out);
  }
  template <typename E, size_t N>
  bool ReadEnum(const std::pair<std::string_view, std::type_identity_t<E>> (&words)[N],
                E* out) const {
    return ReadEnumOf(words, N, out);
  }

  // The elements of a list; records an error and returns none if this is not a list.
  std::vector<Node> Items() const;
  // Views this node as a map whose keys are exactly `allowed` (or a subset).
  // An absent node gives an empty map. Duplicate and unknown keys are errors.
  MapReader AsMap(const std::vector<std::string_view>& allowed) const;
  // Views this node as a map with user-chosen keys (field names, headers);
  // duplicates are still errors. Call MapReader::CheckKeys to restrict it later.
  MapReader AsOpenMap() const;

 private:
  friend class Document;
  friend class MapReader;
  Node(Document* doc, const Value* value, std::string path, int line, int column);
  Node(Document* doc, std::string path, int line, int column);  // absent

  bool ReadInt64(int64_t min, int64_t max, bool unbounded_above, int64_t* out) const;
  bool ReadWord(const std::vector<std::string_view>& words, int* index) const;
  template <typename E>
  bool ReadEnumOf(const std::pair<std::string_view, E>* words, size_t count, E* out) const {
    std::vector<std::string_view> names;
    for (size_t i = 0; i < count; ++i) names.push_back(words[i].first);
    int index = -1;
    if (!ReadWord(names, &index)) return false;
    *out = words[index].second;
    return true;
  }

  Document* doc_ = nullptr;
  const Value* value_ = nullptr;  // null when absent
  std::string path_;
  int line_ = 0;
  int column_ = 0;
  bool present_ = false;
};

// A map node with its keys, in document order. Keys are plain scalars, indexed so
// that the duplicate check and each Get or Has cost O(log n) in a map of n keys.
class MapReader {
 public:
  bool Has(std::string_view key) const;
  // The value under `key`, or an absent Node positioned at this map.
  Node Get(std::string_view key) const;
  // Like Get, but records "missing required key 'KEY'" at this map when absent.
  Node Required(std::string_view key) const;
  // Records "unknown key 'K' (did you mean 'L'?); allowed: ..." for the first key
  // not in `allowed`, and returns whether all keys were allowed.
  bool CheckKeys(const std::vector<std::string_view>& allowed) const;
  // Every entry as (key node, value node), for maps with user-chosen keys.
  std::vector<std::pair<Node, Node>> Entries() const { return entries_; }
  // The map itself, for errors about the whole map (e.g. conflicting keys).
  const Node& node() const { return self_; }

 private:
  friend class Node;
  explicit MapReader(Node self) : self_(std::move(self)) {}

  Node self_;
  std::vector<std::pair<Node, Node>> entries_;
  std::map<std::string_view, size_t> index_;  // key -> its entry; views into the Document
};

// A parsed YAML file. Load* returns InvalidArgument "FILE:LINE:COL: ..." for a
// syntax error or a document over the limits in yaml_tree.h (and "FILE: is a
// directory ..." for a directory), and IOError when the file cannot be read.
// LoadFile reads through ReadYamlFile, so /dev/zero or a FIFO cannot make it
// allocate without end.
class Document {
 public:
  Document() = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Status LoadFile(const std::string& path);
  // `display_name` is what errors call the file (usually its path).
  Status LoadString(std::string_view text, std::string display_name);

  // The top-level value; a document with no content gives an empty (null) node.
  Node Root();
  const std::string& name() const { return name_; }
  // The first error recorded through any Node of this document, or OK.
  const Status& status() const { return status_; }

 private:
  friend class Node;
  void Record(int line, int column, std::string_view path, std::string_view what);

  std::string name_;
  Tree tree_;
  Status status_;
};

// Reads the file at `path` as Document::LoadFile does, for callers that send the
// text elsewhere (a client to the server): at most kMaxDocumentBytes + 1 bytes, so
// that an endless file ends and an overlong one is still refused when parsed.
// A directory is InvalidArgument; an unreadable file is IOError.
Status ReadYamlFile(const std::string& path, std::string* text);

// Edit distance counting an adjacent swap as one edit, used to suggest the key a typo meant.
int EditDistance(std::string_view a, std::string_view b);
// The word of `words` closest to `typo` when it is close enough to be what was
// meant (at most a third of the typo's length in edits, at least one); else empty.
std::string_view ClosestWord(std::string_view typo, const std::vector<std::string_view>& words);

}  // namespace gleaner::yaml
