#include "crawler/extract/css_selector.h"

#include <algorithm>
#include <iterator>

#include "crawler/extract/gumbo_node.h"
#include "crawler/extract/text_scanner.h"

namespace gleaner::crawler {
namespace {

bool IsCssWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

std::string AsciiLowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Whitespace-separated words of an attribute value, as ~= and .class see them.
bool ContainsWord(std::string_view list, std::string_view word) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsCssWhitespace(list[i])) ++i;
    size_t start = i;
    while (i < list.size() && !IsCssWhitespace(list[i])) ++i;
    if (i > start && list.substr(start, i - start) == word) return true;
  }
  return false;
}

// 1-based position of element among its parent's element children.
int64_t ElementPosition(const GumboNode* element) {
  const GumboVector* siblings = ChildrenOf(element->parent);
  int64_t position = 0;
  for (unsigned i = 0; i <= element->index_within_parent && i < siblings->length; ++i) {
    if (IsElement(static_cast<const GumboNode*>(siblings->data[i]))) ++position;
  }
  return position;
}

}  // namespace

// Recursive-descent parser over the selector text; every error names the
// offset where the text stopped making sense.
class CssSelectorParser {
 public:
  explicit CssSelectorParser(std::string_view text) : in_("css selector", text) {}

  Status Parse(std::vector<CssSelector::Complex>* alternatives) {
    SkipWhitespace();
    while (true) {
      CssSelector::Complex complex;
      GLEANER_RETURN_IF_ERROR(ParseComplex(&complex));
      alternatives->push_back(std::move(complex));
      if (in_.AtEnd()) return Status::OK();
      in_.Next();  // ParseComplex stops only at the end or at ','
      SkipWhitespace();
    }
  }

 private:
  Status ParseComplex(CssSelector::Complex* complex) {
    while (true) {
      CssSelector::Compound compound;
      GLEANER_RETURN_IF_ERROR(ParseCompound(&compound));
      complex->compounds.push_back(std::move(compound));
      bool had_whitespace = SkipWhitespace();
      if (in_.AtEnd() || in_.Peek() == ',') return Status::OK();
      if (in_.Consume('>')) {
        SkipWhitespace();
        complex->combinators.push_back(CssSelector::Combinator::kChild);
        continue;
      }
      if (in_.Peek() == '+' || in_.Peek() == '~') {
        return in_.Error("' ' or '>' as combinator ('" + std::string(1, in_.Peek()) +
                         "' is not supported)");
      }
      if (!had_whitespace) return in_.Error("',', '>', whitespace or the end of the selector");
      complex->combinators.push_back(CssSelector::Combinator::kDescendant);
    }
  }

  Status ParseCompound(CssSelector::Compound* compound) {
    size_t start = in_.pos();
    if (!in_.Consume('*') && !in_.AtEnd() && (IsNameChar(in_.Peek()) || in_.Peek() == '\\')) {
      compound->type = AsciiLowercase(ParseName());
      compound->tag = gumbo_tagn_enum(compound->type.data(), compound->type.size());
    }
    while (!in_.AtEnd()) {
      char c = in_.Peek();
      if (c == '.' || c == '#') {
        in_.Next();
        std::string name = ParseName();
        if (name.empty()) return in_.Error(c == '.' ? "a class name" : "an id");
        compound->attributes.push_back(
            {c == '.' ? "class" : "id",
             c == '.' ? CssSelector::AttributeOp::kIncludesWord : CssSelector::AttributeOp::kEquals,
             std::move(name)});
      } else if (in_.Consume('[')) {
        GLEANER_RETURN_IF_ERROR(ParseAttribute(compound));
      } else if (in_.Consume(':')) {
        GLEANER_RETURN_IF_ERROR(ParsePseudoClass(compound));
      } else {
        break;
      }
    }
    if (in_.pos() == start) return in_.Error("a selector");
    return Status::OK();
  }

  Status ParseAttribute(CssSelector::Compound* compound) {
    SkipWhitespace();
    CssSelector::AttributeTest test;
    test.name = AsciiLowercase(ParseName());
    if (test.name.empty()) return in_.Error("an attribute name");
    SkipWhitespace();
    if (!in_.AtEnd() && in_.Peek() != ']') {
      static constexpr struct {
        std::string_view token;
        CssSelector::AttributeOp op;
      } kOperators[] = {{"=", CssSelector::AttributeOp::kEquals},
                        {"^=", CssSelector::AttributeOp::kPrefix},
                        {"$=", CssSelector::AttributeOp::kSuffix},
                        {"*=", CssSelector::AttributeOp::kContains},
                        {"~=", CssSelector::AttributeOp::kIncludesWord}};
      const auto found = std::find_if(std::begin(kOperators), std::end(kOperators),
                                      [&](const auto& op) { return in_.Consume(op.token); });
      if (found == std::end(kOperators)) return in_.Error("']' or one of = ^= $= *= ~=");
      test.op = found->op;
      SkipWhitespace();
      GLEANER_RETURN_IF_ERROR(ParseAttributeValue(&test.value));
      SkipWhitespace();
    }
    if (!in_.Consume(']')) return in_.Error("']'");
    compound->attributes.push_back(std::move(test));
    return Status::OK();
  }

  Status ParseAttributeValue(std::string* value) {
    if (in_.AtEnd()) return in_.Error("an attribute value");
    if (in_.Peek() == '"' || in_.Peek() == '\'') return in_.QuotedString(value);
    // Bare values are more lenient than CSS identifiers so that
    // [href=/about] works unquoted; they end at whitespace or ']'.
    *value = in_.TakeWhile([](char c) { return !IsCssWhitespace(c) && c != ']'; });
    if (value->empty()) return in_.Error("an attribute value");
    return Status::OK();
  }

  Status ParsePseudoClass(CssSelector::Compound* compound) {
    size_t name_start = in_.pos();
    std::string name = AsciiLowercase(ParseName());
    if (name == "first-child") {
      compound->positions.push_back({0, 1});
      return Status::OK();
    }
    if (name == "nth-child" && in_.Consume('(')) {
      SkipWhitespace();
      CssSelector::Compound::NthChild nth;
      GLEANER_RETURN_IF_ERROR(ParseNthFormula(&nth));
      SkipWhitespace();
      if (!in_.Consume(')')) return in_.Error("')'");
      compound->positions.push_back(nth);
      return Status::OK();
    }
    in_.Rewind(name_start);
    return in_.Error(":first-child or :nth-child(...)");
  }

  // an+b | +n | -n+3 | 5 | odd | even, with optional spaces around the sign of b.
  Status ParseNthFormula(CssSelector::Compound::NthChild* nth) {
    size_t word_start = in_.pos();
    std::string word = AsciiLowercase(ParseName());
    if (word == "odd" || word == "even") {
      *nth = {2, word == "odd" ? 1 : 0};
      return Status::OK();
    }
    in_.Rewind(word_start);
    int64_t sign = ParseSign();
    bool has_digits = PeekDigit();
    int64_t number = 1;
    if (has_digits) GLEANER_RETURN_IF_ERROR(ParseInteger(&number));
    if (in_.AtEnd() || (in_.Peek() != 'n' && in_.Peek() != 'N')) {
      if (!has_digits) return in_.Error("an+b, a number, odd or even");
      *nth = {0, sign * number};
      return Status::OK();
    }
    in_.Next();
    nth->a = sign * number;
    SkipWhitespace();
    if (in_.AtEnd() || (in_.Peek() != '+' && in_.Peek() != '-')) return Status::OK();
    int64_t b_sign = ParseSign();
    SkipWhitespace();
    if (!PeekDigit()) return in_.Error("a number");
    GLEANER_RETURN_IF_ERROR(ParseInteger(&number));
    nth->b = b_sign * number;
    return Status::OK();
  }

  bool PeekDigit() const { return !in_.AtEnd() && in_.Peek() >= '0' && in_.Peek() <= '9'; }

  int64_t ParseSign() {
    if (in_.Consume('-')) return -1;
    in_.Consume('+');
    return 1;
  }

  Status ParseInteger(int64_t* out) {
    // Positions beyond a million children are meaningless; the cap keeps the
    // a*k+b arithmetic far from overflow.
    constexpr int64_t kMaxInteger = 1'000'000;
    return in_.Integer("a number up to 1000000", out, kMaxInteger);
  }

  // Identifier characters plus backslash escapes; empty when none follow.
  std::string ParseName() {
    std::string name;
    while (!in_.AtEnd()) {
      if (in_.Peek() == '\\' && in_.rest().size() > 1) {
        in_.Next();
        name.push_back(in_.Next());
      } else if (IsNameChar(in_.Peek())) {
        name.push_back(in_.Next());
      } else {
        break;
      }
    }
    return name;
  }

  bool SkipWhitespace() { return !in_.TakeWhile(IsCssWhitespace).empty(); }

  TextScanner in_;
};

Status CssSelector::Parse(std::string_view text, CssSelector* out) {
  CssSelector parsed;
  parsed.text_ = std::string(text);
  GLEANER_RETURN_IF_ERROR(CssSelectorParser(text).Parse(&parsed.alternatives_));
  parsed.any_subject_tag_ = false;
  for (const Complex& complex : parsed.alternatives_) {
    const Compound& subject = complex.compounds.back();
    if (subject.type.empty() || subject.tag == GUMBO_TAG_UNKNOWN) {
      parsed.any_subject_tag_ = true;
    } else {
      parsed.subject_tags_[subject.tag] = true;
    }
  }
  *out = std::move(parsed);
  return Status::OK();
}

bool CssSelector::MatchesCompound(const Compound& compound, const GumboNode* element) {
  if (!compound.type.empty()) {
    if (compound.tag != GUMBO_TAG_UNKNOWN) {
      if (element->v.element.tag != compound.tag) return false;
    } else if (element->v.element.tag != GUMBO_TAG_UNKNOWN || TagName(element) != compound.type) {
      return false;
    }
  }
  for (const AttributeTest& test : compound.attributes) {
    const char* raw = FindAttribute(element, test.name);
    if (raw == nullptr) return false;
    std::string_view value(raw);
    std::string_view wanted(test.value);
    bool holds = false;
    switch (test.op) {
      case AttributeOp::kExists:
        holds = true;
        break;
      case AttributeOp::kEquals:
        holds = value == wanted;
        break;
      // As in CSS, an empty operand makes ^= $= *= ~= match nothing.
      case AttributeOp::kPrefix:
        holds = !wanted.empty() && value.starts_with(wanted);
        break;
      case AttributeOp::kSuffix:
        holds = !wanted.empty() && value.ends_with(wanted);
        break;
      case AttributeOp::kContains:
        holds = !wanted.empty() && value.find(wanted) != std::string_view::npos;
        break;
      case AttributeOp::kIncludesWord:
        holds = !wanted.empty() &&
                std::find_if(wanted.begin(), wanted.end(), IsCssWhitespace) == wanted.end() &&
                ContainsWord(value, wanted);
        break;
    }
    if (!holds) return false;
  }
  if (!compound.positions.empty()) {
    int64_t position = ElementPosition(element);
    for (const Compound::NthChild& nth : compound.positions) {
      int64_t offset = position - nth.b;
      bool holds = nth.a == 0 ? offset == 0 : (offset / nth.a >= 0 && offset % nth.a == 0);
      if (!holds) return false;
    }
  }
  return true;
}

bool CssSelector::MatchesComplex(const Complex& complex, size_t index, const GumboNode* element,
                                 const GumboNode* root) {
  if (!MatchesCompound(complex.compounds[index], element)) return false;
  if (index == 0) return true;
  const Combinator combinator = complex.combinators[index - 1];
  for (const GumboNode* ancestor = element->parent; ancestor != root && IsElement(ancestor);
       ancestor = ancestor->parent) {
    if (MatchesComplex(complex, index - 1, ancestor, root)) return true;
    if (combinator == Combinator::kChild) return false;
  }
  return false;
}

bool CssSelector::MatchesElement(const GumboNode* element, const GumboNode* root) const {
  for (const Complex& complex : alternatives_) {
    if (MatchesComplex(complex, complex.compounds.size() - 1, element, root)) return true;
  }
  return false;
}

std::vector<const GumboNode*> CssSelector::SelectAll(const GumboNode* root) const {
  std::vector<const GumboNode*> matches;
  VisitDescendants(root, [&](const GumboNode* node) {
    if (Matches(node, root)) matches.push_back(node);
    return true;
  });
  return matches;
}

const GumboNode* CssSelector::SelectFirst(const GumboNode* root) const {
  const GumboNode* first = nullptr;
  VisitDescendants(root, [&](const GumboNode* node) {
    if (Matches(node, root)) first = node;
    return first == nullptr;
  });
  return first;
}

}  // namespace gleaner::crawler
