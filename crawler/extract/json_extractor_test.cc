#include "crawler/extract/json_extractor.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/json_nesting.h"

namespace gleaner::crawler {
namespace {

ExtractSpec JsonSource(std::string records_path, std::vector<JsonFieldSpec> fields = {},
                       Pagination paginate = {}) {
  ExtractSpec source;
  source.kind = ExtractSpec::Kind::kJson;
  source.records_path = std::move(records_path);
  source.json_fields = std::move(fields);
  source.paginate = std::move(paginate);
  return source;
}

JsonExtraction Extract(const ExtractSpec& source, std::string_view body) {
  std::unique_ptr<JsonExtractor> extractor;
  Status status = JsonExtractor::Compile(source, &extractor);
  INFO(status.ToString());
  REQUIRE(status.ok());
  JsonExtraction extraction;
  status = extractor->Extract(body, &extraction);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return extraction;
}

// "name=kind:value" per field, so a test sees the JSON type that was kept.
std::string Show(const std::vector<v1::Field>& record) {
  std::string out;
  for (const v1::Field& field : record) {
    if (!out.empty()) out += " | ";
    const v1::Value& value = field.value();
    out += field.name() + "=";
    switch (value.kind_case()) {
      case v1::Value::kStringValue:
        out += "s:" + value.string_value();
        break;
      case v1::Value::kIntValue:
        out += "i:" + std::to_string(value.int_value());
        break;
      case v1::Value::kDoubleValue:
        out += "d:" + nlohmann::json(value.double_value()).dump();
        break;
      case v1::Value::kBoolValue:
        out += value.bool_value() ? "b:true" : "b:false";
        break;
      case v1::Value::kJsonValue:
        out += "j:" + value.json_value();
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

constexpr std::string_view kItems = R"({
  "items": [
    {"id": 7, "price": 12.5, "name": "Lamp", "stock": true, "tags": ["a", "b"],
     "dims": {"w": 3, "h": 4.0}, "note": null, "big": 18446744073709551615, "neg": -3},
    {"id": 8, "name": "Desk", "stock": false}
  ],
  "links": {"next": "/v1/items?page=2"},
  "cursor": "abc=="
})";

TEST_CASE("json fields keep json types relative to each record", "[json]") {
  JsonExtraction got = Extract(JsonSource("$.items[*]", {{"id", "$.id"},
                                                         {"price", "$.price"},
                                                         {"name", "$.name"},
                                                         {"stock", "$.stock"},
                                                         {"tags", "$.tags"},
                                                         {"height", "$.dims.h"},
                                                         {"dims", "$.dims"},
                                                         {"note", "$.note"},
                                                         {"absent", "$.nope"},
                                                         {"first_tag", "$.tags[0]"},
                                                         {"last_tag", "$.tags[-1]"}}),
                               kItems);
  REQUIRE(got.records.size() == 2);
  CHECK(got.record_count == 2);
  CHECK(Show(got.records[0]) ==
        R"(id=i:7 | price=d:12.5 | name=s:Lamp | stock=b:true | tags=j:["a","b"] | height=d:4.0 | )"
        R"(dims=j:{"w":3,"h":4.0} | note=null | absent=null | first_tag=s:a | last_tag=s:b)");
  CHECK(Show(got.records[1]) ==
        "id=i:8 | price=null | name=s:Desk | stock=b:false | tags=null | height=null | dims=null | "
        "note=null | absent=null | first_tag=null | last_tag=null");
}

TEST_CASE("a field path selecting several values gives a json array", "[json]") {
  JsonExtraction got =
      Extract(JsonSource("$.items[0]", {{"tags", "$.tags[*]"}, {"dims", "$.dims.*"}}), kItems);
  REQUIRE(got.records.size() == 1);
  CHECK(Show(got.records[0]) == R"(tags=j:["a","b"] | dims=j:[3,4.0])");
}

TEST_CASE("without fields each record object is kept whole, keys in source order", "[json]") {
  JsonExtraction got = Extract(JsonSource("$.items"), kItems);  // an array is flattened
  REQUIRE(got.records.size() == 2);
  CHECK(Show(got.records[0]) ==
        R"(id=i:7 | price=d:12.5 | name=s:Lamp | stock=b:true | tags=j:["a","b"] | )"
        R"(dims=j:{"w":3,"h":4.0} | note=null | big=s:18446744073709551615 | neg=i:-3)");
  CHECK(Show(got.records[1]) == "id=i:8 | name=s:Desk | stock=b:false");
}

TEST_CASE("records that are not objects become a single field named value", "[json]") {
  JsonExtraction got = Extract(JsonSource("$.ids"), R"({"ids": [1, "two", null, [3]]})");
  REQUIRE(got.records.size() == 4);
  CHECK(Show(got.records[0]) == "value=i:1");
  CHECK(Show(got.records[1]) == "value=s:two");
  CHECK(Show(got.records[2]) == "value=null");
  CHECK(Show(got.records[3]) == "value=j:[3]");
}

TEST_CASE("the default records path takes a top-level array or object", "[json]") {
  JsonExtraction array = Extract(JsonSource("$"), R"([{"a": 1}, {"a": 2}])");
  REQUIRE(array.records.size() == 2);
  CHECK(Show(array.records[1]) == "a=i:2");
  JsonExtraction object = Extract(JsonSource("$"), R"({"a": 1})");
  REQUIRE(object.records.size() == 1);
  CHECK(Show(object.records[0]) == "a=i:1");
}

TEST_CASE("a records path matching nothing gives no records", "[json]") {
  JsonExtraction got = Extract(JsonSource("$.data[*]"), R"({"items": []})");
  CHECK(got.records.empty());
  CHECK(got.record_count == 0);
}

TEST_CASE("next link pagination reads a non-empty string only", "[json]") {
  Pagination next;
  next.kind = PaginationKind::kNextLink;
  next.next_path = "$.links.next";
  CHECK(Extract(JsonSource("$.items", {}, next), kItems).next_url == "/v1/items?page=2");
  CHECK_FALSE(Extract(JsonSource("$.items", {}, next), R"({"links": {"next": null}})")
                  .next_url.has_value());
  CHECK_FALSE(
      Extract(JsonSource("$.items", {}, next), R"({"links": {"next": ""}})").next_url.has_value());
  CHECK_FALSE(Extract(JsonSource("$.items", {}, next), R"({"links": {}})").next_url.has_value());
  // Other pagination kinds never report a next link.
  CHECK_FALSE(Extract(JsonSource("$.items"), kItems).next_url.has_value());
}

TEST_CASE("cursor pagination reads a string or number cursor", "[json]") {
  Pagination cursor;
  cursor.kind = PaginationKind::kCursor;
  cursor.cursor_path = "$.cursor";
  cursor.param = "after";
  JsonExtraction got = Extract(JsonSource("$.items", {}, cursor), kItems);
  CHECK(got.next_cursor == "abc==");
  CHECK_FALSE(got.next_url.has_value());
  CHECK(Extract(JsonSource("$", {}, cursor), R"({"cursor": 1042})").next_cursor == "1042");
  CHECK_FALSE(Extract(JsonSource("$", {}, cursor), R"({"cursor": null})").next_cursor.has_value());
  CHECK_FALSE(Extract(JsonSource("$", {}, cursor), R"({"cursor": ""})").next_cursor.has_value());
  CHECK_FALSE(Extract(JsonSource("$", {}, cursor), "{}").next_cursor.has_value());
}

TEST_CASE("invalid json is invalid argument with the byte position", "[json]") {
  std::unique_ptr<JsonExtractor> extractor;
  REQUIRE(JsonExtractor::Compile(JsonSource("$"), &extractor).ok());
  JsonExtraction extraction;
  Status truncated = extractor->Extract(R"({"a": )", &extraction);
  CHECK(truncated.IsInvalidArgument());
  CHECK(truncated.message().rfind("invalid JSON at byte 7: ", 0) == 0);
  Status html = extractor->Extract("<html>", &extraction);
  CHECK(html.message().rfind("invalid JSON at byte 1: ", 0) == 0);
}

TEST_CASE("a number beyond a double's range is invalid argument, not an escaped exception",
          "[json]") {
  std::unique_ptr<JsonExtractor> extractor;
  REQUIRE(JsonExtractor::Compile(JsonSource("$"), &extractor).ok());
  JsonExtraction extraction;
  Status overflow = extractor->Extract("[1e400]", &extraction);
  CHECK(overflow.IsInvalidArgument());
  CHECK(overflow.message().find("number overflow") != std::string::npos);
  CHECK(extraction.records.empty());
}

TEST_CASE("a deeply nested response is refused unparsed instead of overflowing the stack",
          "[json]") {
  std::unique_ptr<JsonExtractor> extractor;
  REQUIRE(JsonExtractor::Compile(JsonSource("$.items[*]"), &extractor).ok());
  auto nested = [](size_t levels) {
    return R"({"items": )" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  JsonExtraction extraction;
  // At the limit it is extracted: items[*] is an array, flattened into its
  // one element, an array nested kMaxJsonNesting - 3 deep kept as compact JSON.
  REQUIRE(extractor->Extract(nested(kMaxJsonNesting), &extraction).ok());
  REQUIRE(extraction.records.size() == 1);
  CHECK(extraction.records[0][0].value().json_value() ==
        std::string(kMaxJsonNesting - 3, '[') + std::string(kMaxJsonNesting - 3, ']'));
  for (size_t levels : {kMaxJsonNesting + 1, size_t{100000}}) {
    INFO(levels);
    Status refused = extractor->Extract(nested(levels), &extraction);
    CHECK(refused.IsInvalidArgument());
    CHECK(refused.message() ==
          "JSON nested more than 1024 levels deep; the response was not parsed");
    CHECK(extraction.records.empty());
  }
}

TEST_CASE("compile rejects bad paths, naming where they came from", "[json]") {
  std::unique_ptr<JsonExtractor> extractor;
  CHECK(JsonExtractor::Compile(JsonSource("items[*]"), &extractor).message() ==
        "records: json path 'items[*]': expected '$' at offset 0");
  CHECK(JsonExtractor::Compile(JsonSource("$", {{"id", "$.id["}}), &extractor).message() ==
        "field 'id': json path '$.id[': expected an index, a quoted key or '*' at offset 5");
  Pagination cursor;
  cursor.kind = PaginationKind::kCursor;
  cursor.cursor_path = "$.";
  CHECK(JsonExtractor::Compile(JsonSource("$", {}, cursor), &extractor).message() ==
        "paginate cursor: json path '$.': expected a key name or '*' at offset 2");
  CHECK(JsonExtractor::Compile(ExtractSpec(), &extractor).IsInvalidArgument());  // an html source
}

}  // namespace
}  // namespace gleaner::crawler
