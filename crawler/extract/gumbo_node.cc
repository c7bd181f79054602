#include "crawler/extract/gumbo_node.h"

namespace gleaner::crawler {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace

bool IsElement(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

const GumboVector* ChildrenOf(const GumboNode* node) {
  if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
  if (IsElement(node)) return &node->v.element.children;
  return nullptr;
}

std::string TagName(const GumboNode* element) {
  if (!IsElement(element)) return {};
  const GumboElement& e = element->v.element;
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  // Unknown tags keep only their source text ("<My-Widget a=1>"), so the
  // name is cut out of it and lowercased as the HTML tokenizer would. (Not
  // gumbo_tag_from_original_text: it asserts on text it does not expect.)
  std::string_view source(e.original_tag.data == nullptr ? "" : e.original_tag.data,
                          e.original_tag.length);
  if (!source.starts_with('<')) return {};
  source.remove_prefix(source.starts_with("</") ? 2 : 1);
  std::string out(source.substr(0, source.find_first_of(" \t\n\r\f/>")));
  for (char& c : out) c = AsciiLower(c);
  return out;
}

const char* FindAttribute(const GumboNode* element, std::string_view name) {
  if (!IsElement(element)) return nullptr;
  const GumboVector& attributes = element->v.element.attributes;
  for (unsigned i = 0; i < attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(attributes.data[i]);
    if (EqualsIgnoringAsciiCase(attribute->name, name)) return attribute->value;
  }
  return nullptr;
}

}  // namespace gleaner::crawler
