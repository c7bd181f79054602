#include "crawler/extract/html_nesting.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace gleaner::crawler {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsTagNameEnd(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>';
}

// Tag names longer than this are no element the lists below name.
constexpr size_t kMaxName = 16;

// What the scan needs to know of a tag name, from the lists below.
enum TagFlag : uint8_t {
  kOpensNoLevel = 1,
  kHoldsRawText = 2,
  kSpecial = 4,
  kScopeBoundary = 8,
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

// The lists above merged and grouped by name length, so a tag is compared
// with the few names of its own length (at most 11) instead of all 110.
class TagTable {
 public:
  TagTable() {
    Add(kNoLevelNames, kOpensNoLevel);
    Add(kRawTextNames, kHoldsRawText);
    Add(kSpecialNames, kSpecial);
    Add(kScopeBoundaryNames, kScopeBoundary);
  }

  // Flags of `name` (lower case), 0 for a name no list holds.
  uint8_t Flags(std::string_view name) const {
    if (name.size() > kMaxName) return 0;
    for (const auto& [known, flags] : by_length_[name.size()]) {
      if (known == name) return flags;
    }
    return 0;
  }

 private:
  template <size_t N>
  void Add(const std::string_view (&names)[N], TagFlag flag) {
    for (std::string_view name : names) {
      auto& bucket = by_length_.at(name.size());
      auto known = std::find_if(bucket.begin(), bucket.end(),
                                [&](const auto& entry) { return entry.first == name; });
      if (known == bucket.end()) {
        bucket.emplace_back(name, flag);
      } else {
        known->second |= flag;
      }
    }
  }

  std::array<std::vector<std::pair<std::string_view, uint8_t>>, kMaxName + 1> by_length_;
};

const TagTable kTags;

struct OpenElement {
  std::string_view raw_name;  // as written; compared ignoring ASCII case
  bool special;
  bool scope_boundary;
};

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

// How many open elements the end tag closes, as the tree builder would:
// those down to the nearest one of its name, unless the search meets an
// element it may not close through first; then, or when none has the name,
// the tag closes nothing. Counting closes by name alone (any end tag closing
// the innermost element) would let "<div></x>" repeated nest without bound
// while counting nothing.
size_t ElementsClosedBy(const std::vector<OpenElement>& open, std::string_view raw_name,
                        bool special) {
  for (size_t k = open.size(); k-- > 0;) {
    if (SameName(open[k].raw_name, raw_name)) return open.size() - k;
    if (special ? open[k].scope_boundary : open[k].special) return 0;
  }
  return 0;
}

}  // namespace

size_t HtmlNestingDepth(std::string_view html, size_t limit) {
  std::vector<OpenElement> open;  // never more than limit + 1
  size_t deepest = 0;
  size_t foreign = 0;  // open <svg> and <math>, where "/>" closes the element
  size_t i = 0;
  while (deepest <= limit) {
    i = html.find('<', i);
    if (i == std::string_view::npos || i + 1 >= html.size()) break;
    std::string_view rest = html.substr(i + 1);
    if (rest.starts_with("!--")) {
      size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    if (rest[0] == '!' || rest[0] == '?') {  // doctype, CDATA, processing instruction
      i = html.find('>', i + 1);
      if (i == std::string_view::npos) break;
      continue;
    }
    const bool closing = rest[0] == '/';
    size_t name_start = i + 1 + (closing ? 1 : 0);
    if (name_start >= html.size() || !IsAsciiAlpha(html[name_start])) {
      ++i;  // a literal '<' in text
      continue;
    }
    std::array<char, kMaxName> name_buffer{};
    size_t name_length = 0;
    size_t j = name_start;
    for (; j < html.size() && !IsTagNameEnd(html[j]); ++j) {
      if (name_length < kMaxName) name_buffer[name_length] = AsciiLower(html[j]);
      ++name_length;
    }
    std::string_view name(name_buffer.data(), std::min(name_length, kMaxName));
    if (name_length > kMaxName) name = "-";  // longer than any name listed above
    const std::string_view raw_name = html.substr(name_start, name_length);
    // The tag ends at the first '>' outside a quoted attribute value.
    char quote = 0;
    for (; j < html.size(); ++j) {
      if (quote != 0) {
        if (html[j] == quote) quote = 0;
      } else if (html[j] == '"' || html[j] == '\'') {
        quote = html[j];
      } else if (html[j] == '>') {
        break;
      }
    }
    if (j >= html.size()) break;
    const bool self_closing = html[j - 1] == '/';
    i = j + 1;
    const bool is_foreign_root = name == "svg" || name == "math";
    const uint8_t flags = kTags.Flags(name);
    if (closing) {
      if (flags & kOpensNoLevel) continue;
      const size_t closed = ElementsClosedBy(open, raw_name, flags & kSpecial);
      for (size_t k = 0; k < closed; ++k) {
        std::string_view closed_name = open.back().raw_name;
        if ((SameName(closed_name, "svg") || SameName(closed_name, "math")) && foreign > 0) {
          --foreign;
        }
        open.pop_back();
      }
      continue;
    }
    if ((flags & kOpensNoLevel) || (self_closing && (foreign > 0 || is_foreign_root))) continue;
    if (is_foreign_root) ++foreign;
    open.push_back({raw_name, (flags & kSpecial) != 0, (flags & kScopeBoundary) != 0});
    deepest = std::max(deepest, open.size());
    if (flags & kHoldsRawText) {
      // Skip to "</name"; a page that never closes it ends as text.
      size_t end = i;
      for (;;) {
        end = html.find("</", end);
        if (end == std::string_view::npos) return deepest;
        std::string_view candidate = html.substr(end + 2, name.size());
        bool same = candidate.size() == name.size() &&
                    std::equal(candidate.begin(), candidate.end(), name.begin(),
                               [](char a, char b) { return AsciiLower(a) == b; });
        if (same) break;
        end += 2;
      }
      i = end;
    }
  }
  return deepest;
}

}  // namespace gleaner::crawler
