#include "crawler/extract/html_nesting.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace gleaner::crawler {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// What the scan's per-byte loops stop at, one table lookup a byte instead of
// a chain of comparisons (most of a page's bytes are inside tags).
enum ByteClass : uint8_t {
  kEndsTagName = 1,  // whitespace, '/', '>'
  kStopsInTag = 2,   // a quote, or the '>' that ends the tag outside quotes
};

constexpr std::array<uint8_t, 256> kByteClasses = [] {
  std::array<uint8_t, 256> classes{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '/', '>'}) classes[c] |= kEndsTagName;
  for (unsigned char c : {'"', '\'', '>'}) classes[c] |= kStopsInTag;
  return classes;
}();

bool HasClass(char c, ByteClass byte_class) {
  return (kByteClasses[static_cast<unsigned char>(c)] & byte_class) != 0;
}

// Tag names longer than this are no element the lists below name.
constexpr size_t kMaxName = 16;

// What the scan needs to know of a tag name, from the lists below.
enum TagFlag : uint8_t {
  kOpensNoLevel = 1,
  kHoldsRawText = 2,
  kSpecial = 4,
  kScopeBoundary = 8,
  kForeignRoot = 16,
};

// Void elements never open; these close implicitly (optional end tags, or a
// new one closes the open one), so counting them would mistake a list of
// unclosed <li> or <a> for nesting. The document's html/head/body add at most
// three levels.
constexpr std::string_view kNoLevelNames[] = {"area",   "base",  "basefont", "bgsound",  "br",     "col",  "embed", "frame",
                 "hr",     "img",   "image",    "input",    "keygen", "link", "meta",  "param",
                 "source", "track", "wbr",      "html",     "head",   "body", "p",     "li",
                 "dt",     "dd",    "option",   "optgroup", "tr",     "td",   "th",    "thead",
                 "tbody",  "tfoot", "colgroup", "caption",  "rb",     "rt",   "rtc",   "rp",
                 "a",      "nobr",  "button",   "form"};

// Their contents are text up to the matching end tag.
constexpr std::string_view kRawTextNames[] = {"script",  "style",    "textarea", "title",   "xmp",
                                              "iframe",  "noembed",  "noframes", "noscript"};

// HTML's "special" elements: an end tag of another name does not close
// through them, and a formatting end tag (</b>) meeting one restructures the
// tree without making it shallower.
constexpr std::string_view kSpecialNames[] = {"address",  "applet",   "article",  "aside",    "blockquote", "center",  "details",
             "dir",      "div",      "dl",       "fieldset", "figcaption", "figure",  "footer",
             "frameset", "h1",       "h2",       "h3",       "h4",         "h5",      "h6",
             "header",   "hgroup",   "iframe",   "listing",  "main",       "marquee", "menu",
             "nav",      "noembed",  "noframes", "noscript", "object",     "ol",      "plaintext",
             "pre",      "script",   "search",   "section",  "select",     "style",   "summary",
             "table",    "template", "textarea", "title",    "ul",         "xmp"};

// An end tag of a special element does not close through these.
constexpr std::string_view kScopeBoundaryNames[] = {"applet", "caption", "html",   "table",   "td",
                                               "th",     "marquee", "object", "template"};

// An element in whose content "/>" closes the element, as in XML.
constexpr std::string_view kForeignRootNames[] = {"svg", "math"};

// A tag name of at most kMaxName bytes, lower case, zero-padded: compared
// and hashed as two integers rather than by memcmp.
struct TagKey {
  uint64_t words[2] = {0, 0};

  static TagKey Of(const std::array<char, kMaxName>& padded_name) {
    static_assert(sizeof(words) == kMaxName);
    TagKey key;
    std::memcpy(key.words, padded_name.data(), kMaxName);
    return key;
  }
  bool operator==(const TagKey& other) const {
    return words[0] == other.words[0] && words[1] == other.words[1];
  }
  bool empty() const { return words[0] == 0; }  // no name starts with a NUL
};

// The lists above merged into one open-addressed hash table: a tag costs a
// multiply and usually one comparison (94 names in 256 slots).
class TagTable {
 public:
  TagTable() {
    Add(kNoLevelNames, kOpensNoLevel);
    Add(kRawTextNames, kHoldsRawText);
    Add(kSpecialNames, kSpecial);
    Add(kScopeBoundaryNames, kScopeBoundary);
    Add(kForeignRootNames, kForeignRoot);
  }

  // Flags of the name whose key is `key`, 0 for a name no list holds.
  uint8_t Flags(const TagKey& key) const { return slots_[SlotOf(key)].flags; }

 private:
  struct Slot {
    TagKey key;
    uint8_t flags = 0;
  };
  static constexpr size_t kSlots = 256;

  size_t SlotOf(const TagKey& key) const {
    size_t slot = Hash(key);
    while (!slots_[slot].key.empty() && !(slots_[slot].key == key)) slot = (slot + 1) % kSlots;
    return slot;  // the key's slot, or the empty one where it would go
  }
  static size_t Hash(const TagKey& key) {
    const uint64_t mixed =
        (key.words[0] ^ (key.words[1] * 0x9E3779B97F4A7C15u)) * 0xBF58476D1CE4E5B9u;
    return static_cast<size_t>(mixed >> 56);  // 8 bits: kSlots
  }

  template <size_t N>
  void Add(const std::string_view (&names)[N], TagFlag flag) {
    for (std::string_view name : names) {
      std::array<char, kMaxName> padded{};
      std::copy(name.begin(), name.end(), padded.begin());
      Slot& slot = slots_.at(SlotOf(TagKey::Of(padded)));
      slot.key = TagKey::Of(padded);
      slot.flags |= flag;
    }
  }

  std::array<Slot, kSlots> slots_{};
};

const TagTable kTags;

struct OpenElement {
  TagKey key;                 // of the name's first kMaxName bytes, lower case
  std::string_view raw_name;  // as written
  bool special;
  bool scope_boundary;
  bool foreign_root;  // svg or math
};

// Whether an element's name is the tag's, ignoring ASCII case.
bool SameName(const OpenElement& element, const TagKey& key, std::string_view raw_name) {
  if (element.raw_name.size() != raw_name.size() || !(element.key == key)) return false;
  return raw_name.size() <= kMaxName ||
         std::equal(raw_name.begin(), raw_name.end(), element.raw_name.begin(),
                    [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

// How many open elements the end tag closes, as the tree builder would:
// those down to the nearest one of its name, unless the search meets an
// element it may not close through first; then, or when none has the name,
// the tag closes nothing. Counting closes by name alone (any end tag closing
// the innermost element) would let "<div></x>" repeated nest without bound
// while counting nothing.
size_t ElementsClosedBy(const std::vector<OpenElement>& open, const TagKey& key,
                        std::string_view raw_name, bool special) {
  for (size_t k = open.size(); k-- > 0;) {
    if (SameName(open[k], key, raw_name)) return open.size() - k;
    if (special ? open[k].scope_boundary : open[k].special) return 0;
  }
  return 0;
}

}  // namespace

size_t HtmlNestingDepth(std::string_view html, size_t limit) {
  std::vector<OpenElement> open;  // never more than limit + 1
  size_t deepest = 0;
  size_t foreign = 0;  // open <svg> and <math>, where "/>" closes the element
  const char* const begin = html.data();
  const char* const end = begin + html.size();
  size_t i = 0;
  while (deepest <= limit) {
    i = html.find('<', i);
    if (i == std::string_view::npos || i + 1 >= html.size()) break;
    const char first = html[i + 1];
    if (first == '!' && i + 3 < html.size() && html[i + 2] == '-' && html[i + 3] == '-') {
      size_t comment_end = html.find("-->", i + 4);
      if (comment_end == std::string_view::npos) break;
      i = comment_end + 3;
      continue;
    }
    if (first == '!' || first == '?') {  // doctype, CDATA, processing instruction
      i = html.find('>', i + 1);
      if (i == std::string_view::npos) break;
      continue;
    }
    const bool closing = first == '/';
    size_t name_start = i + 1 + (closing ? 1 : 0);
    if (name_start >= html.size() || !IsAsciiAlpha(html[name_start])) {
      ++i;  // a literal '<' in text
      continue;
    }
    std::array<char, kMaxName> name_buffer{};
    size_t name_length = 0;
    size_t j = name_start;
    for (; j < html.size() && !HasClass(html[j], kEndsTagName); ++j) {
      if (name_length < kMaxName) name_buffer[name_length] = AsciiLower(html[j]);
      ++name_length;
    }
    std::string_view name(name_buffer.data(), std::min(name_length, kMaxName));
    const std::string_view raw_name = html.substr(name_start, name_length);
    // The tag ends at the first '>' outside a quoted attribute value: bytes
    // outside quotes are looked at one by one (attribute names are short), a
    // quoted value is skipped with memchr.
    const char* p = begin + j;
    for (;;) {
      while (p < end && !HasClass(*p, kStopsInTag)) ++p;
      if (p == end || *p == '>') break;
      const void* closing_quote = std::memchr(p + 1, *p, static_cast<size_t>(end - p - 1));
      p = closing_quote == nullptr ? end : static_cast<const char*>(closing_quote) + 1;
    }
    if (p == end) break;
    j = static_cast<size_t>(p - begin);
    const bool self_closing = html[j - 1] == '/';
    i = j + 1;
    // A name longer than any listed has no flags.
    const TagKey key = TagKey::Of(name_buffer);
    const uint8_t flags = name_length > kMaxName ? 0 : kTags.Flags(key);
    const bool is_foreign_root = (flags & kForeignRoot) != 0;
    if (closing) {
      if (flags & kOpensNoLevel) continue;
      const size_t closed = ElementsClosedBy(open, key, raw_name, flags & kSpecial);
      for (size_t k = 0; k < closed; ++k) {
        if (open.back().foreign_root && foreign > 0) --foreign;
        open.pop_back();
      }
      continue;
    }
    if ((flags & kOpensNoLevel) || (self_closing && (foreign > 0 || is_foreign_root))) continue;
    if (is_foreign_root) ++foreign;
    open.push_back(
        {key, raw_name, (flags & kSpecial) != 0, (flags & kScopeBoundary) != 0, is_foreign_root});
    deepest = std::max(deepest, open.size());
    if (flags & kHoldsRawText) {
      // Skip to "</name"; a page that never closes it ends as text.
      size_t text_end = i;
      for (;;) {
        text_end = html.find("</", text_end);
        if (text_end == std::string_view::npos) return deepest;
        std::string_view candidate = html.substr(text_end + 2, name.size());
        bool same = candidate.size() == name.size() &&
                    std::equal(candidate.begin(), candidate.end(), name.begin(),
                               [](char a, char b) { return AsciiLower(a) == b; });
        if (same) break;
        text_end += 2;
      }
      i = text_end;
    }
  }
  return deepest;
}

}  // namespace gleaner::crawler
