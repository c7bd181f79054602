#include "crawler/extract/css_selector.h"

#include <catch2/catch.hpp>
#include <string>

#include "crawler/extract/gumbo_node.h"
#include "crawler/extract/html_document.h"

namespace gleaner::crawler {
namespace {

constexpr std::string_view kPage = R"(<!doctype html>
<html><body>
<div id="top" class="box  main">
  <p id="p1" class="intro">one <a id="a1" href="/rel">r</a></p>
  <p id="p2"><a id="a2" href="https://x.test/page.pdf" class="ext link">x</a></p>
  <section id="s1"><div id="inner"><p id="p3">deep</p></div></section>
</div>
<ul id="list"><li id="l1">1</li><li id="l2">2</li><li id="l3">3</li><li id="l4">4</li><li id="l5">5</li></ul>
<a id="a3" href="">empty</a>
<ol id="ol"><!-- note --> <li id="o1">a</li> loose text <li id="o2">b</li></ol>
<My-Widget id="w"></My-Widget><span id="tw" class="md:w-1">t</span>
</body></html>)";

// The ids of the elements a selector matches, space-separated, in result order.
std::string Ids(const CssSelector& selector, const GumboNode* root) {
  std::string ids;
  for (const GumboNode* element : selector.SelectAll(root)) {
    const char* id = FindAttribute(element, "id");
    if (!ids.empty()) ids += ' ';
    ids += id == nullptr ? TagName(element) : id;
  }
  return ids;
}

std::string Select(std::string_view text) {
  static const HtmlDocument page(kPage);
  CssSelector selector;
  Status status = CssSelector::Parse(text, &selector);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return Ids(selector, page.document());
}

std::string ParseError(std::string_view text) {
  CssSelector selector;
  Status status = CssSelector::Parse(text, &selector);
  REQUIRE(status.IsInvalidArgument());
  return status.message();
}

TEST_CASE("type selectors match tag names case-insensitively", "[css]") {
  CHECK(Select("p") == "p1 p2 p3");
  CHECK(Select("P") == "p1 p2 p3");
  CHECK(Select("my-widget") == "w");
  CHECK(Select("MY-WIDGET") == "w");
  CHECK(Select("ul > *") == "l1 l2 l3 l4 l5");
  CHECK(Select("html > body > ul") == "list");
}

TEST_CASE("class and id selectors match whole class words and exact ids", "[css]") {
  CHECK(Select(".intro") == "p1");
  CHECK(Select(".box") == "top");
  CHECK(Select(".main.box") == "top");
  CHECK(Select(".ma").empty());  // a class is a word, not a substring
  CHECK(Select("#p2") == "p2");
  CHECK(Select("#p").empty());
  CHECK(Select(R"(.md\:w-1)") == "tw");
}

TEST_CASE("attribute operators including edge values", "[css]") {
  CHECK(Select("a[href]") == "a1 a2 a3");
  CHECK(Select("[href=/rel]") == "a1");
  CHECK(Select(R"([href="/rel"])") == "a1");
  CHECK(Select("[href='/rel']") == "a1");
  CHECK(Select(R"([href=""])") == "a3");
  CHECK(Select(R"(a[href^="/"])") == "a1");
  CHECK(Select(R"(a[href$=".pdf"])") == "a2");
  CHECK(Select(R"([href*="x.test"])") == "a2");
  CHECK(Select("[class~=link]") == "a2");
  CHECK(Select("[CLASS~=link]") == "a2");  // attribute names ignore case
  CHECK(Select("[ class ~= link ]") == "a2");
  SECTION("empty operands of ^= $= *= ~= match nothing, as in CSS") {
    CHECK(Select(R"([href^=""])").empty());
    CHECK(Select(R"([href$=""])").empty());
    CHECK(Select(R"([href*=""])").empty());
    CHECK(Select(R"([class~=""])").empty());
  }
  SECTION("~= with whitespace in the operand matches nothing") {
    CHECK(Select(R"([class~="ext link"])").empty());
  }
  CHECK(Select(R"([class="ext link"])") == "a2");
}

TEST_CASE("compound selectors require every part on one element", "[css]") {
  CHECK(Select(R"(a.ext[href^="https"])") == "a2");
  CHECK(Select(R"(a.ext[href^="/"])").empty());
  CHECK(Select("p#p1.intro") == "p1");
  CHECK(Select("li#l3:nth-child(3)") == "l3");
}

TEST_CASE("descendant and child combinators", "[css]") {
  CHECK(Select("div p") == "p1 p2 p3");
  CHECK(Select("section p") == "p3");
  CHECK(Select("#top a") == "a1 a2");
  CHECK(Select("div > p") == "p1 p2 p3");
  CHECK(Select("#top > p") == "p1 p2");
  CHECK(Select("#top>section>div>p") == "p3");
  CHECK(Select("#top > div").empty());
  CHECK(Select("section > p").empty());
  CHECK(Select("#top p > a") == "a1 a2");
  CHECK(Select("body   #top  .intro a") == "a1");
}

TEST_CASE("selector lists give document order without duplicates", "[css]") {
  CHECK(Select("#p2, #p1, #p2") == "p1 p2");
  CHECK(Select("li:first-child,#list") == "list l1 o1");
  CHECK(Select("a[href$=pdf], .intro") == "p1 a2");
}

TEST_CASE("first-child and nth-child count element siblings only", "[css]") {
  CHECK(Select("li:first-child") == "l1 o1");
  CHECK(Select("p:first-child") == "p1 p3");
  CHECK(Select("html:first-child") == "html");
  CHECK(Select("ol > li:nth-child(2)") == "o2");  // comment and text nodes do not count
  CHECK(Select("#list li:nth-child(2)") == "l2");
}

TEST_CASE("nth-child formulas", "[css]") {
  CHECK(Select("#list li:nth-child(odd)") == "l1 l3 l5");
  CHECK(Select("#list li:nth-child(EVEN)") == "l2 l4");
  CHECK(Select("#list li:nth-child(2n+1)") == "l1 l3 l5");
  CHECK(Select("#list li:nth-child( 2n + 1 )") == "l1 l3 l5");
  CHECK(Select("#list li:nth-child(2n-1)") == "l1 l3 l5");
  CHECK(Select("#list li:nth-child(3n)") == "l3");
  CHECK(Select("#list li:nth-child(3n+2)") == "l2 l5");
  CHECK(Select("#list li:nth-child(-n+3)") == "l1 l2 l3");
  CHECK(Select("#list li:nth-child(n+4)") == "l4 l5");
  CHECK(Select("#list li:nth-child(n)") == "l1 l2 l3 l4 l5");
  CHECK(Select("#list li:nth-child(+5)") == "l5");
  CHECK(Select("#list li:nth-child(0)").empty());
  CHECK(Select("#list li:nth-child(6)").empty());
  CHECK(Select("#list li:nth-child(odd):nth-child(n+2)") == "l3 l5");
}

TEST_CASE("selecting from an element stays inside it and excludes it", "[css]") {
  const HtmlDocument page(kPage);
  CssSelector top_selector;
  REQUIRE(CssSelector::Parse("#top", &top_selector).ok());
  const GumboNode* top = top_selector.SelectFirst(page.document());
  REQUIRE(top != nullptr);

  CssSelector selector;
  REQUIRE(CssSelector::Parse("div p", &selector).ok());
  // p1 and p2 sit under a div only through the root itself, which is out of scope.
  CHECK(Ids(selector, top) == "p3");
  REQUIRE(CssSelector::Parse("div", &selector).ok());
  CHECK(Ids(selector, top) == "inner");
  REQUIRE(CssSelector::Parse("#top > p", &selector).ok());
  CHECK(Ids(selector, top).empty());
  REQUIRE(CssSelector::Parse("p", &selector).ok());
  CHECK(Ids(selector, top) == "p1 p2 p3");
  REQUIRE(selector.SelectFirst(top) != nullptr);
  CHECK(std::string(FindAttribute(selector.SelectFirst(top), "id")) == "p1");
  REQUIRE(CssSelector::Parse("table", &selector).ok());
  CHECK(selector.SelectFirst(top) == nullptr);
}

TEST_CASE("parse errors name the offset and what was expected", "[css]") {
  CHECK(ParseError("a[href") == "css selector 'a[href': expected ']' at offset 6");
  CHECK(ParseError("") == "css selector '': expected a selector at offset 0");
  CHECK(ParseError("a,") == "css selector 'a,': expected a selector at offset 2");
  CHECK(ParseError("a >") == "css selector 'a >': expected a selector at offset 3");
  CHECK(ParseError("a[]") == "css selector 'a[]': expected an attribute name at offset 2");
  CHECK(ParseError(".") == "css selector '.': expected a class name at offset 1");
  CHECK(ParseError("#") == "css selector '#': expected an id at offset 1");
  CHECK(ParseError(R"([href="x])") ==
        R"(css selector '[href="x]': expected closing " at offset 9)");
  CHECK(ParseError("a[href|=x]") ==
        "css selector 'a[href|=x]': expected ']' or one of = ^= $= *= ~= at offset 6");
  CHECK(ParseError("a[href=]") ==
        "css selector 'a[href=]': expected an attribute value at offset 7");
  CHECK(ParseError("p:hover") ==
        "css selector 'p:hover': expected :first-child or :nth-child(...) at offset 2");
  CHECK(ParseError("li:nth-child(2n+)") ==
        "css selector 'li:nth-child(2n+)': expected a number at offset 16");
  CHECK(ParseError("li:nth-child(foo)") ==
        "css selector 'li:nth-child(foo)': expected an+b, a number, odd or even at offset 13");
  CHECK(ParseError("li:nth-child(2") == "css selector 'li:nth-child(2': expected ')' at offset 14");
  CHECK(
      ParseError("a + b") ==
      "css selector 'a + b': expected ' ' or '>' as combinator ('+' is not supported) at offset 2");
  CHECK(ParseError("a~b") ==
        "css selector 'a~b': expected ' ' or '>' as combinator ('~' is not supported) at offset 1");
  CHECK(ParseError("a)") ==
        "css selector 'a)': expected ',', '>', whitespace or the end of the selector at offset 1");
}

}  // namespace
}  // namespace gleaner::crawler
