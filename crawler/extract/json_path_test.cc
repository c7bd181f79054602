#include "crawler/extract/json_path.h"

#include <catch2/catch.hpp>
#include <string>

namespace gleaner::crawler {
namespace {

const nlohmann::json kDocument = nlohmann::json::parse(R"({
  "store": {
    "name": "Corner",
    "book": [
      {"title": "A", "price": 8.95},
      {"title": "B", "price": 12.99},
      {"title": "C", "price": 22}
    ],
    "key with spaces": {"it's": 1, "say \"x\"": 2}
  },
  "empty": [],
  "n": null
})");

// The selected values as compact JSON, space-separated.
std::string Eval(std::string_view path, const nlohmann::json& document = kDocument) {
  JsonPath parsed;
  Status status = JsonPath::Parse(path, &parsed);
  INFO(status.ToString());
  REQUIRE(status.ok());
  std::string out;
  for (const nlohmann::json* value : parsed.Evaluate(document)) {
    if (!out.empty()) out += ' ';
    out += value->dump();
  }
  return out;
}

std::string ParseError(std::string_view path) {
  JsonPath parsed;
  Status status = JsonPath::Parse(path, &parsed);
  REQUIRE(status.IsInvalidArgument());
  return status.message();
}

TEST_CASE("dotted names walk into objects", "[json_path]") {
  CHECK(Eval("$.store.name") == R"("Corner")");
  CHECK(Eval("$.store.book[0].title") == R"("A")");
  CHECK(Eval("$.n") == "null");
  CHECK(Eval("$") == kDocument.dump());
}

TEST_CASE("quoted keys reach names dots cannot spell", "[json_path]") {
  CHECK(Eval("$.store['key with spaces']") == R"({"it's":1,"say \"x\"":2})");
  CHECK(Eval(R"($.store["key with spaces"]["it's"])") == "1");
  CHECK(Eval(R"($.store['key with spaces']['it\'s'])") == "1");
  CHECK(Eval(R"($.store['key with spaces']['say "x"'])") == "2");
  CHECK(Eval(R"($['store'][ 'name' ])") == R"("Corner")");
}

TEST_CASE("indices count from the start, negative ones from the end", "[json_path]") {
  CHECK(Eval("$.store.book[1].title") == R"("B")");
  CHECK(Eval("$.store.book[-1].title") == R"("C")");
  CHECK(Eval("$.store.book[-3].title") == R"("A")");
  CHECK(Eval("$.store.book[3]").empty());
  CHECK(Eval("$.store.book[-4]").empty());
  CHECK(Eval("$.empty[0]").empty());
  CHECK(Eval("$.empty[-1]").empty());
}

TEST_CASE("wildcards take every array element or object value", "[json_path]") {
  CHECK(Eval("$.store.book[*].price") == "8.95 12.99 22");
  CHECK(Eval("$.store.book.*.title") == R"("A" "B" "C")");
  CHECK(Eval("$.store['key with spaces'][*]") == "1 2");
  CHECK(Eval("$.empty[*]").empty());
  CHECK(Eval("$.store.name[*]").empty());  // a string has no children
}

TEST_CASE("steps that do not apply select nothing", "[json_path]") {
  CHECK(Eval("$.missing").empty());
  CHECK(Eval("$.missing.deeper[0]").empty());
  CHECK(Eval("$.store.book.title").empty());  // a name on an array
  CHECK(Eval("$.store[0]").empty());          // an index on an object
}

TEST_CASE("ordered documents keep source key order under wildcards", "[json_path]") {
  const auto document = nlohmann::ordered_json::parse(R"({"z": 1, "a": 2, "m": 3})");
  JsonPath path;
  REQUIRE(JsonPath::Parse("$.*", &path).ok());
  std::string out;
  for (const nlohmann::ordered_json* value : path.Evaluate(document)) out += value->dump();
  CHECK(out == "123");
}

TEST_CASE("json path parse errors name the offset and what was expected", "[json_path]") {
  CHECK(ParseError("") == "json path '': expected '$' at offset 0");
  CHECK(ParseError("items") == "json path 'items': expected '$' at offset 0");
  CHECK(ParseError("$.") == "json path '$.': expected a key name or '*' at offset 2");
  CHECK(ParseError("$..a") == "json path '$..a': expected a key name or '*' at offset 2");
  CHECK(ParseError("$.a[") ==
        "json path '$.a[': expected an index, a quoted key or '*' at offset 4");
  CHECK(ParseError("$.a[1") == "json path '$.a[1': expected ']' at offset 5");
  CHECK(ParseError("$.a[1.5]") == "json path '$.a[1.5]': expected ']' at offset 5");
  CHECK(ParseError("$['a") == "json path '$['a': expected closing ' at offset 4");
  CHECK(ParseError("$[a]") ==
        "json path '$[a]': expected an index, a quoted key or '*' at offset 2");
  CHECK(ParseError("$a") == "json path '$a': expected '.' or '[' at offset 1");
  CHECK(ParseError("$[-]") == "json path '$[-]': expected an integer index at offset 2");
}

}  // namespace
}  // namespace gleaner::crawler
