#include "crawler/extract/html_text.h"

#include <catch2/catch.hpp>
#include <string>

#include "crawler/extract/gumbo_node.h"
#include "crawler/extract/html_document.h"

namespace gleaner::crawler {
namespace {

// The element with id="t" in a page made of body_html.
const GumboNode* Target(const HtmlDocument& page) {
  const GumboNode* found = nullptr;
  VisitDescendants(page.document(), [&found](const GumboNode* node) {
    const char* id = FindAttribute(node, "id");
    if (id != nullptr && std::string_view(id) == "t") found = node;
    return found == nullptr;
  });
  REQUIRE(found != nullptr);
  return found;
}

std::string TextOf(std::string_view html) {
  const HtmlDocument page(html);
  return TextContent(Target(page));
}

std::string InnerHtmlOf(std::string_view html) {
  const HtmlDocument page(html);
  return InnerHtml(Target(page));
}

TEST_CASE("text collapses whitespace runs and trims", "[html_text]") {
  CHECK(TextOf("<p id=t>  Hello,\n\t  <b>brave</b>   <i>new</i>\r\n world  </p>") ==
        "Hello, brave new world");
  CHECK(TextOf("<p id=t>   </p>").empty());
  CHECK(TextOf("<p id=t></p>").empty());
}

TEST_CASE("text joins nested inline tags without adding spaces", "[html_text]") {
  CHECK(TextOf("<p id=t>Price: <span>&pound;<b>51</b>.77</span></p>") == "Price: \u00a351.77");
  // textContent adds nothing between blocks; only source whitespace separates them.
  CHECK(TextOf("<ul id=t><li>a</li><li>b</li></ul>") == "ab");
  CHECK(TextOf("<ul id=t><li>a</li>\n  <li>b</li></ul>") == "a b");
}

TEST_CASE("text decodes entities, drops comments and keeps no-break spaces", "[html_text]") {
  CHECK(TextOf("<p id=t>a<!-- hidden -->b &amp; c&lt;d</p>") == "ab & c<d");
  CHECK(TextOf("<p id=t>1&nbsp;000</p>") == "1\u00a0000");
}

TEST_CASE("text includes script contents as textContent does", "[html_text]") {
  CHECK(TextOf("<div id=t>x <script>var y = 1;</script></div>") == "x var y = 1;");
}

TEST_CASE("text of malformed html follows the browser's recovery", "[html_text]") {
  CHECK(TextOf("<div id=t><p>one<p>two <b>three</div>") == "onetwo three");
  CHECK(TextOf("<table><tr><td id=t>cell <i>x") == "cell x");
}

std::string RawTextOf(std::string_view html) {
  const HtmlDocument page(html);
  return TextContent(Target(page), Whitespace::kRaw);
}

// Leaves out every element carrying class "x".
bool HasClassX(const GumboNode* element) {
  const char* class_name = FindAttribute(element, "class");
  return class_name != nullptr && std::string_view(class_name) == "x";
}

TEST_CASE("text keeps the whitespace inside pre and textarea as a browser renders it",
          "[html_text]") {
  // The newline right after <pre> is not content (the HTML parser drops it);
  // the collapsed space before the pre and its own two spaces add up.
  CHECK(TextOf("<div id=t>Run:\n  <pre>\n  make\n\n    ./app  --x\n</pre>  done </div>") ==
        "Run:   make\n\n    ./app  --x\ndone");
  CHECK(TextOf("<pre id=t>  def f():\n      return 1\n</pre>") == "  def f():\n      return 1\n");
  CHECK(TextOf("<textarea id=t>a  b\n c</textarea>") == "a  b\n c");
  // Markup inside the pre keeps it too, and an enclosing pre counts for a
  // selected descendant.
  CHECK(TextOf("<pre><code id=t>if (x)\n  <b>y</b>();</code></pre>") == "if (x)\n  y();");
  // Outside pre, <code> collapses as any inline element does.
  CHECK(TextOf("<p id=t>call <code>f(a,\n   b)</code></p>") == "call f(a, b)");
}

TEST_CASE("raw text keeps every character of the document's text", "[html_text]") {
  CHECK(RawTextOf("<p id=t>  Hello,\n\t  <b>brave</b>  </p>") == "  Hello,\n\t  brave  ");
  CHECK(RawTextOf("<div id=t>\n<code>a  &amp;\n b</code>\n</div>") == "\na  &\n b\n");
  CHECK(RawTextOf("<p id=t>   </p>") == "   ");
}

TEST_CASE("text leaves out the subtrees the filter selects", "[html_text]") {
  const HtmlDocument page(
      "<h2 id=t>Install <a class=x href='#install'>\u00b6 <b>link</b></a> it<span class=x>"
      "</span></h2>");
  CHECK(TextContent(Target(page), Whitespace::kRendered, HasClassX) == "Install it");
  CHECK(TextContent(Target(page), Whitespace::kRaw, HasClassX) == "Install  it");
  CHECK(InnerHtml(Target(page), HasClassX) == "Install  it");
  // The node itself is never left out: the filter sees only what lies below it.
  const HtmlDocument self("<p id=t class=x>kept <i class=x>not</i></p>");
  CHECK(TextContent(Target(self), Whitespace::kRendered, HasClassX) == "kept");
}

TEST_CASE("inner html escapes text and attributes and omits void end tags", "[html_text]") {
  CHECK(InnerHtmlOf("<div id=t>a &amp; b <b class=x title='say \"hi\" &amp; go'>bold</b><br>"
                    "<img src=i.png alt=\"\"> 1 &lt; 2 &gt; 0</div>") ==
        "a &amp; b <b class=\"x\" title=\"say &quot;hi&quot; &amp; go\">bold</b><br>"
        "<img src=\"i.png\" alt=\"\"> 1 &lt; 2 &gt; 0");
}

TEST_CASE("inner html keeps script text raw and comments as they were", "[html_text]") {
  CHECK(InnerHtmlOf("<div id=t><script>if (a < b && c) {}</script><!--note--></div>") ==
        "<script>if (a < b && c) {}</script><!--note-->");
}

TEST_CASE("inner html closes what the source left unclosed", "[html_text]") {
  CHECK(InnerHtmlOf("<div id=t><p>one<p>two <My-Tag>x</div>") ==
        "<p>one</p><p>two <my-tag>x</my-tag></p>");
}

TEST_CASE("valid utf-8 passes through unchanged", "[utf8]") {
  const std::string text = "h\u00e9llo \u20ac \U0001d11e plain";
  CHECK(ToValidUtf8(text) == text);
  CHECK(ToValidUtf8("").empty());
}

TEST_CASE("ill-formed utf-8 becomes one U+FFFD per maximal subpart", "[utf8]") {
  const std::string r = "\xef\xbf\xbd";
  CHECK(ToValidUtf8("caf\xe9") == "caf" + r);               // Latin-1 byte
  CHECK(ToValidUtf8("\xe2\x82x") == r + "x");               // truncated euro sign
  CHECK(ToValidUtf8("\xf0\x9f\x98") == r);                  // truncated at the end
  CHECK(ToValidUtf8("\xc0\xaf") == r + r);                  // overlong '/'
  CHECK(ToValidUtf8("\xed\xa0\x80") == r + r + r);          // surrogate
  CHECK(ToValidUtf8("\xf4\x90\x80\x80") == r + r + r + r);  // above U+10FFFF
  CHECK(ToValidUtf8("\x80"
                    "a\xff") == r + "a" + r);  // stray bytes
  CHECK(ToValidUtf8("a\xe2\x82\xac"
                    "b") ==
        "a\xe2\x82\xac"
        "b");  // intact euro sign
}

TEST_CASE("only well-formed utf-8 is taken as valid", "[utf8]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("h\u00e9llo \u20ac \U0001d11e plain, long enough for the 8-byte steps"));
  for (std::string_view ill_formed : {"caf\xe9", "\xe2\x82x", "\xf0\x9f\x98", "\xc0\xaf", "\xed\xa0\x80",
                                      "\xf4\x90\x80\x80", "an ASCII run of more than 8 bytes\x80"}) {
    CHECK_FALSE(IsValidUtf8(ill_formed));
  }
}

TEST_CASE("a latin-1 page parses with replacement characters", "[utf8]") {
  CHECK(TextOf("<p id=t>caf\xe9 cr\xe8me</p>") == "caf\ufffd cr\ufffdme");
}

}  // namespace
}  // namespace gleaner::crawler
