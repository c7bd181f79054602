#include "crawler/extract/html_nesting.h"

#include <catch2/catch.hpp>
#include <string>

namespace gleaner::crawler {
namespace {

constexpr size_t kNoLimit = 1000000;

std::string Repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

TEST_CASE("nesting depth counts the elements open at once") {
  CHECK(HtmlNestingDepth("", kNoLimit) == 0);
  CHECK(HtmlNestingDepth("plain text", kNoLimit) == 0);
  CHECK(HtmlNestingDepth("<div></div><div></div>", kNoLimit) == 1);
  CHECK(HtmlNestingDepth("<div><section><span>x</span></section></div>", kNoLimit) == 3);
  // Unclosed elements stay open, as the parser keeps them; case does not matter.
  CHECK(HtmlNestingDepth("<DIV><Div><div>", kNoLimit) == 3);
  // "/>" does not close an HTML element...
  CHECK(HtmlNestingDepth("<div/><div/>", kNoLimit) == 2);
  // ...but does inside svg and math.
  CHECK(HtmlNestingDepth("<svg><g/><g/><path d='M0 0'/></svg>", kNoLimit) == 1);
}

TEST_CASE("nesting depth skips what the parser does not nest") {
  // The document skeleton, void elements and implicitly closed elements.
  CHECK(HtmlNestingDepth("<!DOCTYPE html><html><head><meta charset=utf-8></head><body>"
                         "<ul><li>a<li>b<li>c</ul><p>one<p>two<br><img src=x></body></html>",
                         kNoLimit) == 1);
  CHECK(HtmlNestingDepth(Repeat("<a href=/x>link ", 5000), kNoLimit) == 0);
  CHECK(HtmlNestingDepth("<table><tr><td>1<td>2<tr><td>3</table>", kNoLimit) == 1);
  // Comments, raw text and attribute values hold no tags.
  CHECK(HtmlNestingDepth("<!-- <div><div> --><div>", kNoLimit) == 1);
  CHECK(HtmlNestingDepth("<script>for(;;){'<div><div><div>'}</script><div>", kNoLimit) == 1);
  CHECK(HtmlNestingDepth("<style>a>b{}</style><textarea><b><b></textarea>", kNoLimit) == 1);
  CHECK(HtmlNestingDepth("<div title='<div><div>' data-x=\"a>b\"><span>", kNoLimit) == 2);
  // A '<' that starts no tag is text; stray end tags close nothing.
  CHECK(HtmlNestingDepth("1 < 2 <3 <div></div></div></div><div>", kNoLimit) == 1);
}

TEST_CASE("end tags close only what the parser closes, so stray ones cannot hide nesting") {
  // The parser ignores "</span>" with a div as the current node: every div stays open.
  CHECK(HtmlNestingDepth(Repeat("<div></span>", 5000), kNoLimit) == 5000);
  CHECK(HtmlNestingDepth(Repeat("<span><div></span>", 100), kNoLimit) == 200);
  CHECK(HtmlNestingDepth(Repeat("<div><x-long-custom-name></x-long-custom-nam>", 100), kNoLimit) ==
        200);
  // A formatting end tag meeting a block restructures the tree, no shallower.
  CHECK(HtmlNestingDepth(Repeat("<b><div></b>", 100), kNoLimit) == 200);
  // Well-formed and commonly malformed pages close as the parser closes them.
  CHECK(HtmlNestingDepth(Repeat("<div class=item><span>unclosed</div>", 5000), kNoLimit) == 2);
  CHECK(HtmlNestingDepth(Repeat("<b><i>x</b></i>", 5000), kNoLimit) == 2);
  CHECK(HtmlNestingDepth(Repeat("<DIV><Span>x</SPAN></div>", 5000), kNoLimit) == 2);
  CHECK(HtmlNestingDepth("<table><tbody><tr><td><div>x</table><div>", kNoLimit) == 2);
}

TEST_CASE("nesting depth stops counting once past the limit") {
  std::string deep = Repeat("<div>", 200000);
  CHECK(HtmlNestingDepth(deep, kNoLimit) == 200000);
  CHECK(HtmlNestingDepth(deep, 10) == 11);
  CHECK(HtmlNestingDepth(Repeat("<div>", 10) + Repeat("</div>", 10), 10) == 10);
}

}  // namespace
}  // namespace gleaner::crawler
