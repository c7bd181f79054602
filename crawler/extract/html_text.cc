#include "crawler/extract/html_text.h"

#include <cstring>
#include <vector>

#include "crawler/extract/gumbo_node.h"

namespace gleaner::crawler {
namespace {

bool IsAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool IsTextNode(const GumboNode* node) {
  return node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
         node->type == GUMBO_NODE_WHITESPACE;
}

// Elements whose default style is `white-space: pre` (or pre-wrap): a
// browser renders the whitespace inside them as it is.
bool KeepsWhitespace(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_XMP:
      return true;
    default:
      return false;
  }
}

bool KeepsWhitespace(const GumboNode* node) {
  return IsElement(node) && KeepsWhitespace(node->v.element.tag);
}

// Walks the nodes strictly below root in document order: open(element)
// before an element's children, close(element) after them, leaf(node) for
// every other node. Elements left_out selects are skipped with their subtree.
// Iterative, so a deep (malformed) page cannot overflow the stack.
template <typename Open, typename Close, typename Leaf>
void WalkBelow(const GumboNode* root, const ElementFilter& left_out, Open&& open, Close&& close,
               Leaf&& leaf) {
  // An element is pushed twice: once to open (with its children after it)
  // and once, marked closing, to close.
  struct Step {
    const GumboNode* node;
    bool closing;
  };
  std::vector<Step> pending;
  auto push_children = [&pending](const GumboNode* parent) {
    const GumboVector* children = ChildrenOf(parent);
    if (children == nullptr) return;
    for (unsigned i = children->length; i > 0; --i) {
      pending.push_back({static_cast<const GumboNode*>(children->data[i - 1]), false});
    }
  };
  push_children(root);
  while (!pending.empty()) {
    Step step = pending.back();
    pending.pop_back();
    if (step.closing) {
      close(step.node);
    } else if (IsElement(step.node)) {
      if (left_out && left_out(step.node)) continue;
      open(step.node);
      pending.push_back({step.node, true});
      push_children(step.node);
    } else {
      leaf(step.node);
    }
  }
}

// Accumulates text under one Whitespace mode. In kRendered, a run of
// collapsible whitespace becomes one space only once content follows it, so
// the result comes out trimmed without a second pass.
class TextBuilder {
 public:
  TextBuilder(Whitespace whitespace, bool inside_kept) : whitespace_(whitespace) {
    if (inside_kept) ++keeping_depth_;
  }

  void Enter(const GumboNode* element) {
    if (KeepsWhitespace(element)) ++keeping_depth_;
  }
  void Leave(const GumboNode* element) {
    if (KeepsWhitespace(element)) --keeping_depth_;
  }

  void Append(std::string_view text) {
    if (whitespace_ == Whitespace::kRaw) {
      out_.append(text);
      return;
    }
    if (keeping_depth_ > 0) {
      if (text.empty()) return;
      FlushSpace();
      out_.append(text);
      return;
    }
    for (char c : text) {
      if (!IsAsciiWhitespace(c)) {
        FlushSpace();
        out_.push_back(c);
      } else if (!out_.empty() && !IsAsciiWhitespace(out_.back())) {
        space_pending_ = true;
      }
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  void FlushSpace() {
    if (space_pending_) out_.push_back(' ');
    space_pending_ = false;
  }

  const Whitespace whitespace_;
  int keeping_depth_ = 0;  // open elements (or the enclosing one) that keep whitespace
  bool space_pending_ = false;
  std::string out_;
};

bool IsVoidElement(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_AREA:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_META:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_WBR:
      return true;
    default:
      return false;
  }
}

// Children of these are serialized verbatim (the HTML serialization algorithm).
bool HoldsRawText(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_NOSCRIPT:
      return true;
    default:
      return false;
  }
}

// Text escapes &, < and >; attribute values (always double-quoted) & and ".
void AppendEscaped(std::string_view text, bool in_attribute, std::string* out) {
  for (char c : text) {
    if (c == '&') {
      out->append("&amp;");
    } else if (in_attribute && c == '"') {
      out->append("&quot;");
    } else if (!in_attribute && c == '<') {
      out->append("&lt;");
    } else if (!in_attribute && c == '>') {
      out->append("&gt;");
    } else {
      out->push_back(c);
    }
  }
}

void AppendStartTag(const GumboNode* element, std::string* out) {
  out->push_back('<');
  out->append(TagName(element));
  const GumboVector& attributes = element->v.element.attributes;
  for (unsigned i = 0; i < attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(attributes.data[i]);
    out->push_back(' ');
    out->append(attribute->name);
    out->append("=\"");
    AppendEscaped(attribute->value, /*in_attribute=*/true, out);
    out->push_back('"');
  }
  out->push_back('>');
}

void AppendLeafNode(const GumboNode* node, std::string* out) {
  const char* text = node->v.text.text;
  switch (node->type) {
    case GUMBO_NODE_COMMENT:
      out->append("<!--").append(text).append("-->");
      break;
    case GUMBO_NODE_CDATA:
      out->append("<![CDATA[").append(text).append("]]>");
      break;
    default: {
      const GumboNode* parent = node->parent;
      bool raw = parent != nullptr && IsElement(parent) && HoldsRawText(parent->v.element.tag);
      if (raw) {
        out->append(text);
      } else {
        AppendEscaped(text, /*in_attribute=*/false, out);
      }
    }
  }
}

}  // namespace

std::string TextContent(const GumboNode* node, Whitespace whitespace,
                        const ElementFilter& left_out) {
  // Whether the node sits inside an element that keeps whitespace: asked
  // once here, then tracked on the way down, so the walk stays linear.
  bool inside_kept = false;
  for (const GumboNode* up = node; up != nullptr && !inside_kept; up = up->parent) {
    inside_kept = KeepsWhitespace(up);
  }
  TextBuilder text(whitespace, inside_kept);
  if (IsTextNode(node)) text.Append(node->v.text.text);
  WalkBelow(
      node, left_out, [&text](const GumboNode* element) { text.Enter(element); },
      [&text](const GumboNode* element) { text.Leave(element); },
      [&text](const GumboNode* leaf) {
        if (IsTextNode(leaf)) text.Append(leaf->v.text.text);
      });
  return text.Take();
}

std::string InnerHtml(const GumboNode* node, const ElementFilter& left_out) {
  std::string out;
  WalkBelow(
      node, left_out, [&out](const GumboNode* element) { AppendStartTag(element, &out); },
      [&out](const GumboNode* element) {
        if (!IsVoidElement(element->v.element.tag)) {
          out.append("</").append(TagName(element)).push_back('>');
        }
      },
      [&out](const GumboNode* leaf) { AppendLeafNode(leaf, &out); });
  return out;
}

namespace {

// The length of the well-formed sequence starting at bytes[i], or 0 when it
// is ill-formed; *subpart is then the length of its maximal ill-formed
// subpart (at least 1), which one U+FFFD replaces.
size_t SequenceAt(std::string_view bytes, size_t i, size_t* subpart) {
  const auto lead = static_cast<unsigned char>(bytes[i]);
  // Length and the allowed range of the second byte (Unicode Table 3-7);
  // the narrowed ranges exclude overlongs, surrogates and > U+10FFFF.
  size_t length = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead < 0x80) {
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  }
  size_t valid = length == 0 ? 0 : 1;  // bytes of the sequence seen valid so far
  while (valid > 0 && valid < length && i + valid < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[i + valid]);
    unsigned char min = valid == 1 ? second_min : 0x80;
    unsigned char max = valid == 1 ? second_max : 0xBF;
    if (byte < min || byte > max) break;
    ++valid;
  }
  if (length > 0 && valid == length) return length;
  *subpart = valid == 0 ? 1 : valid;
  return 0;
}

// The end of the well-formed run of bytes starting at `from`.
size_t WellFormedRunEnd(std::string_view bytes, size_t from) {
  size_t i = from;
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      // Pages are mostly ASCII: eight bytes checked at a time.
      uint64_t word;
      while (i + sizeof word <= bytes.size()) {
        std::memcpy(&word, bytes.data() + i, sizeof word);
        if (word & 0x8080808080808080ull) break;
        i += sizeof word;
      }
      while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) < 0x80) ++i;
      continue;
    }
    size_t subpart = 0;
    const size_t length = SequenceAt(bytes, i, &subpart);
    if (length == 0) return i;
    i += length;
  }
  return i;
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) { return WellFormedRunEnd(bytes, 0) == bytes.size(); }

std::string ToValidUtf8(std::string_view bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (true) {
    const size_t end = WellFormedRunEnd(bytes, i);
    out.append(bytes.substr(i, end - i));
    if (end == bytes.size()) return out;
    size_t subpart = 0;
    SequenceAt(bytes, end, &subpart);
    out.append(kReplacement);
    i = end + subpart;
  }
}

}  // namespace gleaner::crawler
