// CssSelector: a compiled CSS selector (our own subset) matched against a
// Gumbo tree. Parse once, then match from any number of threads: a parsed
// selector is immutable and matching only reads the tree.
//
// Supported: type selectors (ASCII case-insensitive) and `*`; `.class`, `#id`;
// `[attr]`, `[attr=v]`, `[attr^=v]`, `[attr$=v]`, `[attr*=v]`, `[attr~=v]`
// with quoted or bare values (as in CSS, ^= $= *= ~= with an empty value, and
// ~= with a value holding whitespace, match nothing); compound selectors
// (`a.x[href^="/"]`); the descendant (space) and child (`>`) combinators;
// selector lists (`a, b`); `:first-child` and `:nth-child(an+b | n | odd |
// even)`. A backslash makes the next character literal (`.md\:w-1`).
//
// Scope: selecting from `root` considers only elements strictly below root,
// and every element a selector's compounds match must lie strictly below root
// too. So from a record root `div span` finds spans under a div inside that
// record, never one matched through an ancestor outside it, and the root
// itself is never a match. Selecting from the document node therefore sees
// every element, <html> included.
#pragma once

#include <gumbo.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gleaner::crawler {

class CssSelector {
 public:
  // Errors name the character offset (0-based) and what was expected:
  // "css selector 'a[href': expected ']' at offset 6".
  static Status Parse(std::string_view text, CssSelector* out);

  // Every matching element below root, in document order, each once.
  std::vector<const GumboNode*> SelectAll(const GumboNode* root) const;
  // The first matching element below root in document order, or nullptr.
  const GumboNode* SelectFirst(const GumboNode* root) const;
  // Whether element (strictly below root) matches, under the scope rule above.
  // Inline up to the subject's tag, which most elements of a walk fail.
  bool Matches(const GumboNode* element, const GumboNode* root) const {
    if (element->type != GUMBO_NODE_ELEMENT && element->type != GUMBO_NODE_TEMPLATE) return false;
    if (!any_subject_tag_ && !subject_tags_[element->v.element.tag]) return false;
    return MatchesElement(element, root);
  }

  const std::string& text() const { return text_; }

 private:
  friend class CssSelectorParser;

  enum class AttributeOp { kExists, kEquals, kPrefix, kSuffix, kContains, kIncludesWord };
  struct AttributeTest {
    std::string name;  // lowercase
    AttributeOp op = AttributeOp::kExists;
    std::string value;
  };
  // A compound selector: every test must hold for one element.
  struct Compound {
    std::string type;                       // lowercase tag name; empty = any element
    GumboTag tag = GUMBO_TAG_UNKNOWN;       // resolved from type when Gumbo knows it
    std::vector<AttributeTest> attributes;  // .class and #id become ~= and =
    // :nth-child(a*k + b) for some k >= 0; :first-child is a=0, b=1.
    struct NthChild {
      int64_t a = 0;
      int64_t b = 0;
    };
    std::vector<NthChild> positions;
  };
  enum class Combinator { kDescendant, kChild };
  // Compounds left to right; combinators[i] joins compounds[i] and [i + 1].
  struct Complex {
    std::vector<Compound> compounds;
    std::vector<Combinator> combinators;
  };
  static bool MatchesComplex(const Complex& complex, size_t index, const GumboNode* element,
                             const GumboNode* root);
  static bool MatchesCompound(const Compound& compound, const GumboNode* element);
  bool MatchesElement(const GumboNode* element, const GumboNode* root) const;

  std::string text_;
  std::vector<Complex> alternatives_;  // the comma-separated list
  // The tags an element must have to match, from each alternative's last
  // compound; any tag when one of those names no tag Gumbo knows (or `*`).
  bool any_subject_tag_ = true;
  std::array<bool, GUMBO_TAG_LAST + 1> subject_tags_{};
};

}  // namespace gleaner::crawler
