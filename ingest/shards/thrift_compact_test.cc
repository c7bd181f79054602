#include "ingest/shards/thrift_compact.h"

#include <catch2/catch.hpp>

#include "tests/support/thrift_compact_decoder.h"

namespace gleaner::shards {
namespace {

using testing::CompactValue;
using testing::DecodeCompactStruct;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST_CASE("short field headers pack the id delta and type into one byte") {
  CompactWriter w;
  w.FieldI32(1, 5);        // delta 1, type i32 (5); zigzag(5) = 10
  w.FieldI64(2, -1);       // delta 1, type i64 (6); zigzag(-1) = 1
  w.FieldBinary(4, "hi");  // delta 2, type binary (8); length 2
  w.FieldBool(5, true);    // delta 1, type BOOLEAN_TRUE (1)
  w.FieldBool(6, false);   // delta 1, type BOOLEAN_FALSE (2)
  CHECK(w.Finish() == Bytes({0x15, 0x0A, 0x16, 0x01, 0x28, 0x02, 'h', 'i', 0x11, 0x12, 0x00}));
}

TEST_CASE("a field id more than 15 past the previous one uses the long form") {
  CompactWriter w;
  w.FieldI32(1, 0);
  w.FieldI32(20, 1);  // type byte 0x05, then zigzag(20) = 40 as a varint
  CHECK(w.Finish() == Bytes({0x15, 0x00, 0x05, 0x28, 0x02, 0x00}));
}

TEST_CASE("lists carry their size in the header nibble up to 14, then as a varint") {
  CompactWriter small;
  small.BeginListField(1, CompactType::kI32, 3);  // 0x19, then (3 << 4) | 5
  for (int v : {1, 2, 3}) small.ListI32(v);
  CHECK(small.Finish() == Bytes({0x19, 0x35, 0x02, 0x04, 0x06, 0x00}));

  CompactWriter large;
  large.BeginListField(1, CompactType::kI32, 15);
  for (int i = 0; i < 15; ++i) large.ListI32(0);
  const std::string bytes = large.Finish();
  CHECK(bytes.substr(0, 3) == Bytes({0x19, 0xF5, 0x0F}));
  CHECK(bytes.size() == 3 + 15 + 1);
}

TEST_CASE("a nested struct restarts field deltas and the outer struct resumes its own") {
  CompactWriter w;
  w.BeginStructField(3);  // delta 3, type struct (12)
  w.FieldI32(1, 1);
  w.EndStruct();
  w.FieldI32(4, 0);  // delta 1 from field 3, not from the inner field 1
  CHECK(w.Finish() == Bytes({0x3C, 0x15, 0x02, 0x00, 0x15, 0x00, 0x00}));
}

TEST_CASE("what the encoder writes decodes back to the same tree") {
  CompactWriter w;
  w.FieldI32(1, -123456);
  w.BeginListField(2, CompactType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.BeginListStruct();
    w.FieldBinary(4, "column" + std::to_string(i));
    w.FieldBool(7, i == 1);
    w.EndStruct();
  }
  w.FieldI64(3, int64_t{1} << 40);
  w.BeginListField(5, CompactType::kBinary, 20);
  for (int i = 0; i < 20; ++i) w.ListBinary(std::string(i, 'z'));
  w.BeginStructField(40);
  w.EndStruct();
  const std::string bytes = w.Finish() + "trailing";

  CompactValue root;
  size_t consumed = 0;
  REQUIRE(DecodeCompactStruct(bytes, &root, &consumed).ok());
  CHECK(consumed == bytes.size() - 8);
  CHECK(root.Field(1)->integer == -123456);
  const CompactValue* list = root.Field(2);
  REQUIRE(list->elements.size() == 2);
  CHECK(list->elements[0].Field(4)->binary == "column0");
  CHECK(list->elements[0].Field(7)->boolean == false);
  CHECK(list->elements[1].Field(7)->boolean == true);
  CHECK(root.Field(3)->integer == int64_t{1} << 40);
  REQUIRE(root.Field(5)->elements.size() == 20);
  CHECK(root.Field(5)->elements[19].binary == std::string(19, 'z'));
  CHECK(root.Field(40)->type == CompactType::kStruct);
  CHECK(root.Field(6) == nullptr);
}

TEST_CASE("truncated or absurd input is Corruption, not a crash") {
  CompactValue root;
  size_t consumed;
  CHECK(DecodeCompactStruct(Bytes({0x15}), &root, &consumed).code() == Status::Code::kCorruption);
  // A binary claiming 100 bytes with 1 present.
  CHECK(DecodeCompactStruct(Bytes({0x18, 0x64, 'x'}), &root, &consumed).code() ==
        Status::Code::kCorruption);
  // A list claiming a billion elements.
  CHECK(DecodeCompactStruct(Bytes({0x19, 0xF5, 0x80, 0x94, 0xEB, 0xDC, 0x03}), &root, &consumed)
            .code() == Status::Code::kCorruption);
  // Structs nested past any real footer.
  CHECK(DecodeCompactStruct(std::string(1000, '\x1C'), &root, &consumed).code() ==
        Status::Code::kCorruption);
}

}  // namespace
}  // namespace gleaner::shards
