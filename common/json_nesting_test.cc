#include "common/json_nesting.h"

#include <catch2/catch.hpp>
#include <string>

namespace gleaner {
namespace {

// `levels` arrays around a scalar: [[[1]]].
std::string NestedArrays(size_t levels) {
  return std::string(levels, '[') + "1" + std::string(levels, ']');
}

}  // namespace

TEST_CASE("json nesting counts arrays and objects open at once") {
  CHECK(JsonNestingDepth("1", kMaxJsonNesting) == 0);
  CHECK(JsonNestingDepth("[]", kMaxJsonNesting) == 1);
  CHECK(JsonNestingDepth(R"({"a": [1, {"b": []}], "c": {}})", kMaxJsonNesting) == 4);
  CHECK(JsonNestingDepth("[[],[],[]]", kMaxJsonNesting) == 2);  // siblings are not nesting
}

TEST_CASE("json nesting just under, at and over the limit") {
  CHECK(JsonNestingDepth(NestedArrays(kMaxJsonNesting - 1), kMaxJsonNesting) ==
        kMaxJsonNesting - 1);
  CHECK(JsonNestingDepth(NestedArrays(kMaxJsonNesting), kMaxJsonNesting) == kMaxJsonNesting);
  CHECK(JsonNestingDepth(NestedArrays(kMaxJsonNesting + 1), kMaxJsonNesting) > kMaxJsonNesting);
}

TEST_CASE("json nesting stops counting once past the limit") {
  // 100,000 levels: the answer is only "more than the limit", found early.
  CHECK(JsonNestingDepth(NestedArrays(100000), 10) == 11);
}

TEST_CASE("brackets inside strings do not nest, escaped quotes do not end them") {
  CHECK(JsonNestingDepth(R"(["[[[{{{"])", kMaxJsonNesting) == 1);
  CHECK(JsonNestingDepth(R"(["\"[[[", "\\", [2]])", kMaxJsonNesting) == 2);
  CHECK(JsonNestingDepth(R"({"k\\": [[1]]})", kMaxJsonNesting) == 3);
}

TEST_CASE("json nesting of broken text never exceeds what a parser could build") {
  CHECK(JsonNestingDepth("]]]][[", kMaxJsonNesting) == 2);  // stray closers do not go negative
  CHECK(JsonNestingDepth("[[[\"unterminated", kMaxJsonNesting) == 3);
  CHECK(JsonNestingDepth("", kMaxJsonNesting) == 0);
}

}  // namespace gleaner
