// Read-only helpers over a Gumbo parse tree shared by the selector engine, the
// text serializers and the extractors. They never modify or retain the nodes;
// the tree must outlive each call. Template elements count as elements.
#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

namespace gleaner::crawler {

// True for element (and template element) nodes.
bool IsElement(const GumboNode* node);

// Child nodes of a document or element; nullptr for every other node type.
const GumboVector* ChildrenOf(const GumboNode* node);

// The element's lowercase tag name, also for tags Gumbo does not know
// ("my-widget"); empty for non-elements.
std::string TagName(const GumboNode* element);

// The attribute's value, matched by ASCII case-insensitive name, or nullptr
// when the element does not carry it.
const char* FindAttribute(const GumboNode* element, std::string_view name);

// Calls visit(node) for every node strictly below root in document order
// (pre-order) until visit returns false. Iterative, so arbitrarily deep
// (malformed) documents cannot overflow the stack.
template <typename Visit>
void VisitDescendants(const GumboNode* root, Visit&& visit) {
  std::vector<const GumboNode*> pending;
  auto push_children = [&pending](const GumboNode* node) {
    const GumboVector* children = ChildrenOf(node);
    if (children == nullptr) return;
    for (unsigned i = children->length; i > 0; --i) {
      pending.push_back(static_cast<const GumboNode*>(children->data[i - 1]));
    }
  };
  push_children(root);
  while (!pending.empty()) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (!visit(node)) return;
    push_children(node);
  }
}

}  // namespace gleaner::crawler
