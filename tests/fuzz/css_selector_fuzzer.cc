// The CSS selector engine over Gumbo trees. Input: a selector, a newline, an
// HTML document. Properties, from the document node and from each element's
// own scope: SelectAll agrees with Matches on every element below the root,
// returns them in document order, each once, and SelectFirst is its first.
#include <unordered_map>
#include <vector>

#include "crawler/extract/css_selector.h"
#include "crawler/extract/gumbo_node.h"
#include "crawler/extract/html_document.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace gleaner::crawler;

void CheckSelection(const CssSelector& selector, const GumboNode* root) {
  std::unordered_map<const GumboNode*, size_t> position;  // document order below root
  std::vector<const GumboNode*> expected;
  VisitDescendants(root, [&](const GumboNode* node) {
    if (!IsElement(node)) return true;
    position.emplace(node, position.size());
    if (selector.Matches(node, root)) expected.push_back(node);
    return true;
  });
  std::vector<const GumboNode*> got = selector.SelectAll(root);
  for (size_t i = 0; i < got.size(); ++i) {
    FUZZ_CHECK(position.contains(got[i]), "'%s': match %zu is not an element below the root",
               selector.text().c_str(), i);
  }
  FUZZ_CHECK(got == expected, "'%s': SelectAll gives %zu elements, Matches accepts %zu (or order differs)",
             selector.text().c_str(), got.size(), expected.size());
  const GumboNode* first = selector.SelectFirst(root);
  FUZZ_CHECK(first == (got.empty() ? nullptr : got.front()), "'%s': SelectFirst is not SelectAll's first",
             selector.text().c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [text, html] = gleaner::fuzz::SplitFirstLine(gleaner::fuzz::AsText(data, size));
  CssSelector selector;
  if (!CssSelector::Parse(text, &selector).ok()) return 0;
  HtmlDocument document(html);
  CheckSelection(selector, document.document());
  // Scoped selection: from every element that has element children, up to a few.
  int scopes = 0;
  VisitDescendants(document.document(), [&](const GumboNode* node) {
    if (IsElement(node) && node->v.element.children.length > 0) {
      CheckSelection(selector, node);
      ++scopes;
    }
    return scopes < 8;
  });
  return 0;
}
