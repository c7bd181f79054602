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

void AppendCollapsingWhitespace(std::string_view text, std::string* out) {
  for (char c : text) {
    if (!IsAsciiWhitespace(c)) {
      out->push_back(c);
    } else if (!out->empty() && out->back() != ' ') {
      out->push_back(' ');
    }
  }
}

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

std::string TextContent(const GumboNode* node) {
  std::string out;
  if (IsTextNode(node)) AppendCollapsingWhitespace(node->v.text.text, &out);
  VisitDescendants(node, [&out](const GumboNode* descendant) {
    if (IsTextNode(descendant)) AppendCollapsingWhitespace(descendant->v.text.text, &out);
    return true;
  });
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string InnerHtml(const GumboNode* node) {
  std::string out;
  // Iterative walk; an element is pushed twice: once to open (with its
  // children after it) and once, marked closing, to write its end tag.
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
  push_children(node);
  while (!pending.empty()) {
    Step step = pending.back();
    pending.pop_back();
    if (step.closing) {
      out.append("</").append(TagName(step.node)).push_back('>');
    } else if (IsElement(step.node)) {
      AppendStartTag(step.node, &out);
      if (IsVoidElement(step.node->v.element.tag)) continue;
      pending.push_back({step.node, true});
      push_children(step.node);
    } else {
      AppendLeafNode(step.node, &out);
    }
  }
  return out;
}

std::string ToValidUtf8(std::string_view bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
      // Pages are mostly ASCII: copy whole runs, eight bytes checked at a time.
      size_t end = i + 1;
      uint64_t word;
      while (end + sizeof word <= bytes.size()) {
        std::memcpy(&word, bytes.data() + end, sizeof word);
        if (word & 0x8080808080808080ull) break;
        end += sizeof word;
      }
      while (end < bytes.size() && static_cast<unsigned char>(bytes[end]) < 0x80) ++end;
      out.append(bytes.substr(i, end - i));
      i = end;
      continue;
    }
    // Length and the allowed range of the second byte (Unicode Table 3-7);
    // the narrowed ranges exclude overlongs, surrogates and > U+10FFFF.
    size_t length = 0;
    unsigned char second_min = 0x80, second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
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
    if (length > 0 && valid == length) {
      out.append(bytes.substr(i, length));
      i += length;
    } else {
      out.append(kReplacement);
      i += valid == 0 ? 1 : valid;
    }
  }
  return out;
}

}  // namespace gleaner::crawler
