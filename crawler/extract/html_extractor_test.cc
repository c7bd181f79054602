#include "crawler/extract/html_extractor.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace gleaner::crawler {
namespace {

HtmlFieldSpec Field(std::string name, std::string css, TakeMode take = TakeMode::kText,
                    std::string attr = "", std::string regex = "", bool all = false) {
  return HtmlFieldSpec{std::move(name), std::move(css),   take,
                       std::move(attr), std::move(regex), all};
}

ExtractSpec HtmlSource(std::optional<HtmlRecordSpec> records = std::nullopt,
                       std::vector<std::string> follow = {}) {
  ExtractSpec source;
  source.kind = ExtractSpec::Kind::kHtml;
  source.follow = std::move(follow);
  source.records = std::move(records);
  return source;
}

HtmlExtraction Extract(const ExtractSpec& source, std::string_view html) {
  std::unique_ptr<HtmlExtractor> extractor;
  Status status = HtmlExtractor::Compile(source, &extractor);
  INFO(status.ToString());
  REQUIRE(status.ok());
  HtmlExtraction extraction;
  REQUIRE(extractor->Extract(html, &extraction).ok());
  return extraction;
}

// "name=value" per field: strings bare, JSON arrays as json:..., nulls as null.
std::string Show(const std::vector<v1::Field>& record) {
  std::string out;
  for (const v1::Field& field : record) {
    if (!out.empty()) out += " | ";
    out += field.name() + "=";
    switch (field.value().kind_case()) {
      case v1::Value::kStringValue:
        out += field.value().string_value();
        break;
      case v1::Value::kJsonValue:
        out += "json:" + field.value().json_value();
        break;
      case v1::Value::kIntValue:
        out += "int:" + std::to_string(field.value().int_value());
        break;
      case v1::Value::KIND_NOT_SET:
        out += "null";
        break;
      default:
        out += "<unexpected kind>";
    }
  }
  return out;
}

constexpr std::string_view kCatalogue = R"(<html><head>
<base href="/shop/"><base href="/ignored/">
<link rel="stylesheet" href="/s.css">
<link rel="alternate canonical" href=" https://books.example/catalogue/ ">
</head><body>
<nav><a href="page-2.html">next</a> <a href="#top">top</a> <a href="">empty</a> <a>no href</a></nav>
<article class="product">
  <h3><a href="a-light.html" title="A Light in the Attic">A Light ...</a></h3>
  <p class="price">£51.77</p>
  <p class="star-rating Three"></p>
  <ul class="tags"><li>poetry</li><li>classic</li></ul>
</article>
<article class="product">
  <h3><a href="tipping.html" title="Tipping the Velvet">Tipping ...</a></h3>
  <p class="price">Price: £53.74 <small>incl. tax</small></p>
  <img data-lazy src="cover.jpg">
</article>
<a href="page-2.html">next again</a>
<div class="pager"><span data-next href="page-3.html" src="ignored.png"></span><img class="pager" src="page-4.png"></div>
</body></html>)";

TEST_CASE("links are raw a[href] values in document order, once, without empties", "[html]") {
  HtmlExtraction got = Extract(HtmlSource(), kCatalogue);
  CHECK(got.links ==
        std::vector<std::string>{"page-2.html", "#top", "a-light.html", "tipping.html"});
  CHECK_FALSE(got.is_record_page);
  CHECK(got.records.empty());
}

TEST_CASE("links differing only in their #fragment are taken once, as first written", "[html]") {
  HtmlExtraction got = Extract(HtmlSource(), R"(<a href="#contents">top</a>
      <a href="ref.html#select">SELECT</a> <a href="ref.html#with">WITH</a> <a href="ref.html">ref</a>
      <a href="#intro">intro</a> <a href="other.html#a#b">other</a> <a href="other.html#b">again</a>
      <a href="ref.html?v=2#select">another URL</a>)");
  CHECK(got.links == std::vector<std::string>{"#contents", "ref.html#select", "other.html#a#b",
                                              "ref.html?v=2#select"});
}

TEST_CASE("a page with more links than the per-page cap gives the first ones and counts the rest",
          "[html]") {
  std::string html;
  for (size_t i = 0; i < kMaxLinksPerPage + 2500; ++i) {
    html += "<a href=\"/l/" + std::to_string(i) + "\">x</a>";
  }
  html += "<a href=\"/l/0\">again</a><a href=\"/l/10\">again</a>";  // taken already: not counted
  HtmlExtraction got = Extract(HtmlSource(), html);
  REQUIRE(got.links.size() == kMaxLinksPerPage);
  CHECK(got.links.front() == "/l/0");
  CHECK(got.links.back() == "/l/" + std::to_string(kMaxLinksPerPage - 1));
  CHECK(got.links_over_cap == 2500);
  CHECK(Extract(HtmlSource(), kCatalogue).links_over_cap == 0);
}

TEST_CASE("follow selectors add their href, or src when there is no href", "[html]") {
  HtmlExtraction got =
      Extract(HtmlSource(std::nullopt, {"[data-next]", ".pager", "img[data-lazy]"}), kCatalogue);
  CHECK(got.links == std::vector<std::string>{"page-2.html", "#top", "a-light.html", "tipping.html",
                                              "cover.jpg", "page-3.html", "page-4.png"});
}

TEST_CASE("first base href and rel=canonical are captured raw", "[html]") {
  HtmlExtraction got = Extract(HtmlSource(), kCatalogue);
  CHECK(got.base_href == "/shop/");
  CHECK(got.canonical == "https://books.example/catalogue/");
  HtmlExtraction bare = Extract(HtmlSource(), "<p>no head</p>");
  CHECK(bare.base_href.empty());
  CHECK(bare.canonical.empty());
}

TEST_CASE("a list selector yields one record per match with fields relative to it", "[html]") {
  HtmlRecordSpec spec;
  spec.list = "article.product";
  spec.fields = {Field("title", "h3 a", TakeMode::kAttr, "title"),
                 Field("price", ".price", TakeMode::kText, "", R"(£([0-9.]+))"),
                 Field("rating", "p.star-rating", TakeMode::kAttr, "class", R"(star-rating (\w+))"),
                 Field("tags", ".tags li", TakeMode::kText, "", "", /*all=*/true),
                 Field("link", "h3 a", TakeMode::kAttr, "href")};
  HtmlExtraction got = Extract(HtmlSource(spec), kCatalogue);
  CHECK(got.is_record_page);
  REQUIRE(got.records.size() == 2);
  CHECK(
      Show(got.records[0]) ==
      R"(title=A Light in the Attic | price=51.77 | rating=Three | tags=json:["poetry","classic"] | link=a-light.html)");
  CHECK(Show(got.records[1]) ==
        "title=Tipping the Velvet | price=53.74 | rating=null | tags=null | link=tipping.html");
}

TEST_CASE("without a list selector the whole document is one record", "[html]") {
  HtmlRecordSpec spec;
  spec.fields = {Field("first_price", ".price"), Field("heading", "h3", TakeMode::kInnerHtml)};
  HtmlExtraction got = Extract(HtmlSource(spec), kCatalogue);
  REQUIRE(got.records.size() == 1);
  CHECK(
      Show(got.records[0]) ==
      R"(first_price=£51.77 | heading=<a href="a-light.html" title="A Light in the Attic">A Light ...</a>)");
}

TEST_CASE("a page not matching `when` is no record page and has no records", "[html]") {
  HtmlRecordSpec spec;
  spec.when = "article.product_page";
  spec.fields = {Field("title", "h1")};
  HtmlExtraction got = Extract(HtmlSource(spec), kCatalogue);
  CHECK_FALSE(got.is_record_page);
  CHECK(got.records.empty());
  CHECK(got.links.size() == 4);  // links are still extracted

  HtmlExtraction product = Extract(
      HtmlSource(spec), "<article class=product_page><h1> A  Light\n in the <em>Attic</em></h1>");
  CHECK(product.is_record_page);
  REQUIRE(product.records.size() == 1);
  CHECK(Show(product.records[0]) == "title=A Light in the Attic");
}

TEST_CASE("missing elements, attributes and regex misses are nulls", "[html]") {
  HtmlRecordSpec spec;
  spec.fields = {Field("absent", "table"),
                 Field("no_attr", "p", TakeMode::kAttr, "data-x"),
                 Field("no_match", "p", TakeMode::kText, "", "[0-9]+"),
                 Field("whole_match", "p", TakeMode::kText, "", "[a-z]+"),
                 Field("optional_group", "p", TakeMode::kText, "", "(x)?hello"),
                 Field("empty_text", "span")};
  HtmlExtraction got = Extract(HtmlSource(spec), "<p>hello world</p><span> </span>");
  REQUIRE(got.records.size() == 1);
  CHECK(Show(got.records[0]) ==
        "absent=null | no_attr=null | no_match=null | whole_match=hello | optional_group=null | "
        "empty_text=");
}

TEST_CASE("a list selector matching nothing gives a record page without records", "[html]") {
  HtmlRecordSpec spec;
  spec.list = ".row";
  spec.fields = {Field("x", "b")};
  HtmlExtraction got = Extract(HtmlSource(spec), "<p>nothing here</p>");
  CHECK(got.is_record_page);
  CHECK(got.records.empty());
}

TEST_CASE("all: true keeps every match, with nulls where the regex misses", "[html]") {
  HtmlRecordSpec spec;
  spec.fields = {Field("sizes", "li", TakeMode::kText, "", R"(\d+)", /*all=*/true),
                 Field("quoted", "li", TakeMode::kAttr, "title", "", /*all=*/true)};
  HtmlExtraction got =
      Extract(HtmlSource(spec), R"(<ul><li title='say "x"'>10 cm</li><li>n/a</li><li>7</li></ul>)");
  REQUIRE(got.records.size() == 1);
  CHECK(Show(got.records[0]) ==
        R"(sizes=json:["10",null,"7"] | quoted=json:["say \"x\"",null,null])");
}

TEST_CASE("malformed html with unclosed tags still yields records", "[html]") {
  HtmlRecordSpec spec;
  spec.list = "tr";
  spec.fields = {Field("name", "td:nth-child(1)"), Field("qty", "td:nth-child(2)")};
  HtmlExtraction got =
      Extract(HtmlSource(spec), "<table><tr><td>bolt<td>12<tr><td>nut <b>M4<td>7</table><p>after");
  REQUIRE(got.records.size() == 2);
  CHECK(Show(got.records[0]) == "name=bolt | qty=12");
  CHECK(Show(got.records[1]) == "name=nut M4 | qty=7");
}

TEST_CASE("non-utf-8 bytes in a page become replacement characters", "[html]") {
  HtmlRecordSpec spec;
  spec.fields = {Field("name", "h1")};
  HtmlExtraction got =
      Extract(HtmlSource(spec), "<h1>Caf\xe9 \xff</h1><a href='men\xfc.html'>m</a>");
  REQUIRE(got.records.size() == 1);
  CHECK(Show(got.records[0]) == "name=Caf\ufffd \ufffd");
  CHECK(got.links == std::vector<std::string>{"men\ufffd.html"});
}

TEST_CASE("compile rejects bad selectors and regexes, naming the field", "[html]") {
  std::unique_ptr<HtmlExtractor> extractor;
  Status follow = HtmlExtractor::Compile(HtmlSource(std::nullopt, {"a["}), &extractor);
  CHECK(follow.message() == "follow: css selector 'a[': expected an attribute name at offset 2");

  HtmlRecordSpec spec;
  spec.fields = {Field("price", ".price", TakeMode::kText, "", "([0-9]")};
  Status regex = HtmlExtractor::Compile(HtmlSource(spec), &extractor);
  CHECK(regex.IsInvalidArgument());
  CHECK(regex.message().rfind("field 'price': regex '([0-9]': ", 0) == 0);

  spec.fields = {Field("price", "p >")};
  CHECK(HtmlExtractor::Compile(HtmlSource(spec), &extractor).message() ==
        "field 'price': css selector 'p >': expected a selector at offset 3");

  ExtractSpec json;
  json.kind = ExtractSpec::Kind::kJson;
  CHECK(HtmlExtractor::Compile(json, &extractor).IsInvalidArgument());
}

TEST_CASE("a page nested too deeply is refused unparsed, one at the limit is read", "[html]") {
  HtmlRecordSpec spec;
  spec.fields = {Field("name", "h1")};
  std::unique_ptr<HtmlExtractor> extractor;
  REQUIRE(HtmlExtractor::Compile(HtmlSource(spec), &extractor).ok());
  auto nested = [](int levels) {
    std::string html = "<html><body>";
    for (int i = 0; i < levels; ++i) html += "<div>";
    html += "<h1>Deep</h1><a href=\"/deep\">deep</a>";
    for (int i = 0; i < levels; ++i) html += "</div>";
    return html + "</body></html>";
  };

  // 200,000 levels would overflow a recursive walk and take Gumbo hours.
  HtmlExtraction refused;
  Status s = extractor->Extract(nested(200000), &refused);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "elements nested more than 1024 levels deep; the page was not parsed");
  CHECK(refused.links.empty());
  CHECK(refused.records.empty());

  // 1,023 <div>s and the <h1> inside them: 1,024 levels, the most allowed.
  HtmlExtraction read;
  REQUIRE(extractor->Extract(nested(1023), &read).ok());
  CHECK(read.links == std::vector<std::string>{"/deep"});
  REQUIRE(read.records.size() == 1);
  CHECK(Show(read.records[0]) == "name=Deep");
  CHECK(extractor->Extract(nested(1024), &read).IsInvalidArgument());
}

// A documentation page: headings carry permalink anchors, code blocks keep
// their layout, and a list of notes per section.
constexpr std::string_view kDocsPage = R"(<html><body>
<section class="doc">
  <h2>Install <a class="headerlink" href="#install" title="Permalink">¶</a></h2>
  <pre><code>make
  ./configure   --prefix=/usr
</code></pre>
  <p>Use <code>make  -j</code> to  build.<span class="ad">Buy!</span></p>
  <ul class="notes"><li>one</li><li>two</li></ul>
</section>
<section class="doc">
  <h2>Usage<a class="headerlink" href="#usage">¶</a></h2>
</section>
</body></html>)";

TEST_CASE("count: true is the number of matches in the record, 0 when none", "[html]") {
  HtmlRecordSpec spec;
  spec.list = "section.doc";
  spec.fields = {Field("notes", ".notes li", TakeMode::kCount),
                 Field("links", "a", TakeMode::kCount)};
  HtmlExtraction got = Extract(HtmlSource(spec), kDocsPage);
  REQUIRE(got.records.size() == 2);
  CHECK(Show(got.records[0]) == "notes=int:2 | links=int:1");
  CHECK(Show(got.records[1]) == "notes=int:0 | links=int:1");
}

TEST_CASE("text keeps a code block's layout inside pre, text: raw keeps all whitespace", "[html]") {
  HtmlRecordSpec spec;
  spec.fields = {Field("code", "pre"), Field("para", "p"),
                 Field("raw_para", "p", TakeMode::kRawText),
                 Field("raw_code", "p code", TakeMode::kRawText)};
  HtmlExtraction got = Extract(HtmlSource(spec), kDocsPage);
  REQUIRE(got.records.size() == 1);
  CHECK(Show(got.records[0]) ==
        "code=make\n  ./configure   --prefix=/usr\n | para=Use make -j to build.Buy! | "
        "raw_para=Use make  -j to  build.Buy! | raw_code=make  -j");
}

TEST_CASE("exclude leaves its matches out of a field's text and html", "[html]") {
  HtmlRecordSpec spec;
  spec.list = "section.doc";
  HtmlFieldSpec title = Field("title", "h2");
  title.exclude = {"a.headerlink"};
  HtmlFieldSpec body = Field("body", "p", TakeMode::kInnerHtml);
  body.exclude = {".ad", "code"};
  // Matched from the record's root, so a selector may name the context above
  // the taken element; the taken element itself is never left out.
  HtmlFieldSpec headings = Field("headings", "h2", TakeMode::kRawText, "", "", /*all=*/true);
  headings.exclude = {"h2 > a", "section > h2"};
  spec.fields = {title, body, headings};
  HtmlExtraction got = Extract(HtmlSource(spec), kDocsPage);
  REQUIRE(got.records.size() == 2);
  CHECK(Show(got.records[0]) ==
        R"(title=Install | body=Use  to  build. | headings=json:["Install "])");
  CHECK(Show(got.records[1]) == R"(title=Usage | body=null | headings=json:["Usage"])");
}

TEST_CASE("compile rejects options a field's way of taking its value cannot use", "[html]") {
  std::unique_ptr<HtmlExtractor> extractor;
  auto compile = [&extractor](HtmlFieldSpec field) {
    return HtmlExtractor::Compile(HtmlSource(HtmlRecordSpec{"", "", {std::move(field)}}),
                                  &extractor)
        .message();
  };
  HtmlFieldSpec attr = Field("a", "a", TakeMode::kAttr, "href");
  attr.exclude = {"b"};
  CHECK(compile(attr) == "field 'a': exclude applies to text and html only");
  CHECK(compile(Field("n", "li", TakeMode::kCount, "", "\\d")) ==
        "field 'n': a count takes neither regex nor all");
  CHECK(compile(Field("n", "li", TakeMode::kCount, "", "", /*all=*/true)) ==
        "field 'n': a count takes neither regex nor all");
  HtmlFieldSpec bad_exclude = Field("t", "h2");
  bad_exclude.exclude = {"a["};
  CHECK(compile(bad_exclude) ==
        "field 't' exclude: css selector 'a[': expected an attribute name at offset 2");
}

// Found by tests/fuzz/html_extract_fuzzer: with std::regex, `(a|aa)+$` took
// minutes on a 40-letter run (backtracking), and `price: (.*)` overflowed the
// stack on a 300 KB text (one recursion per character). The page chooses the
// text, so either let one hostile page stop the crawl.
TEST_CASE("a field regex runs in linear time and constant stack whatever the page", "[html]") {
  const std::string digits(4 << 20, '9');
  const std::string html =
      "<p id=runs>" + std::string(64, 'a') + "b</p><p id=price>price: " + digits + "</p>";
  ExtractSpec source = HtmlSource(HtmlRecordSpec{
      "", "",
      {Field("runs", "#runs", TakeMode::kText, "", "(a|aa)+$"),
       Field("price", "#price", TakeMode::kText, "", "price: (.*)")}});
  HtmlExtraction got = Extract(source, html);
  REQUIRE(got.records.size() == 1);
  CHECK(got.records[0][0].value().kind_case() == v1::Value::KIND_NOT_SET);
  CHECK(got.records[0][1].value().string_value() == digits);
}

TEST_CASE("a field regex group that takes no part in the match is a null", "[html]") {
  ExtractSpec source = HtmlSource(HtmlRecordSpec{
      "", "", {Field("x", "p", TakeMode::kText, "", "a|(b)"), Field("y", "p", TakeMode::kText, "", "(\\d+)")}});
  HtmlExtraction got = Extract(source, "<p>a 42</p>");
  REQUIRE(got.records.size() == 1);
  CHECK(Show(got.records[0]) == "x=null | y=42");
}

}  // namespace
}  // namespace gleaner::crawler
