#include "common/coding.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace gleaner {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// Decodes all of `bytes` as one varint; false when that fails or bytes remain.
bool DecodesTo(const std::string& bytes, uint64_t expected) {
  std::string_view input = bytes;
  uint64_t value = 0;
  return GetVarint64(&input, &value) && input.empty() && value == expected;
}

}  // namespace

TEST_CASE("fixed-width integers are little-endian, or big-endian when asked") {
  std::string out;
  PutFixed32(&out, 0x01020304);
  CHECK(out == Bytes({0x04, 0x03, 0x02, 0x01}));
  out.clear();
  PutFixed64(&out, 0x0102030405060708);
  CHECK(out == Bytes({0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}));
  out.clear();
  PutFixed32BE(&out, 0x01020304);
  CHECK(out == Bytes({0x01, 0x02, 0x03, 0x04}));
  out.clear();
  PutFixed64BE(&out, 0x0102030405060708);
  CHECK(out == Bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
}

TEST_CASE("fixed-width integers decode back, high bytes included") {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0x80}, uint64_t{0xFFFFFFFF},
                     uint64_t{0x8000000000000001}, UINT64_MAX}) {
    std::string le, be;
    PutFixed64(&le, v);
    PutFixed64BE(&be, v);
    CHECK(DecodeFixed64(le.data()) == v);
    CHECK(DecodeFixed64BE(be.data()) == v);
    std::string le32;
    PutFixed32(&le32, static_cast<uint32_t>(v));
    CHECK(DecodeFixed32(le32.data()) == static_cast<uint32_t>(v));
  }
}

TEST_CASE("big-endian keys sort as their numbers do") {
  std::string low, high;
  PutFixed64BE(&low, 255);
  PutFixed64BE(&high, 256);
  CHECK(low < high);  // little-endian would put 256 (00 01 ...) before 255 (ff 00 ...)
}

TEST_CASE("varints and zigzag follow the compact-protocol spec byte for byte") {
  std::string out;
  PutVarint64(&out, 300);  // 300 = 0b10_0101100
  CHECK(out == Bytes({0xAC, 0x02}));
  CHECK(ZigZagEncode64(0) == 0);
  CHECK(ZigZagEncode64(-1) == 1);
  CHECK(ZigZagEncode64(1) == 2);
  CHECK(ZigZagEncode64(-64) == 127);
  CHECK(ZigZagEncode64(64) == 128);
  CHECK(ZigZagEncode64(INT64_MIN) == UINT64_MAX);
}

TEST_CASE("varints and zigzag round-trip at every length") {
  for (int bits = 0; bits <= 64; ++bits) {
    const uint64_t v = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
    std::string encoded;
    PutVarint64(&encoded, v);
    CHECK(encoded.size() == (bits == 0 ? 1 : static_cast<size_t>((bits + 6) / 7)));
    CHECK(DecodesTo(encoded, v));
  }
  for (int64_t v :
       {int64_t{0}, int64_t{-1}, int64_t{12345}, int64_t{-12345}, INT64_MIN, INT64_MAX}) {
    CHECK(ZigZagDecode64(ZigZagEncode64(v)) == v);
  }
}

TEST_CASE("a varint decode consumes exactly one varint") {
  std::string two;
  PutVarint64(&two, 300);
  PutVarint64(&two, 5);
  std::string_view input = two;
  uint64_t value = 0;
  REQUIRE(GetVarint64(&input, &value));
  CHECK(value == 300);
  CHECK(input.size() == 1);
  REQUIRE(GetVarint64(&input, &value));
  CHECK(value == 5);
  CHECK(input.empty());
}

TEST_CASE("a truncated varint is refused, not read past its end") {
  uint64_t value = 0;
  std::string_view empty;
  CHECK_FALSE(GetVarint64(&empty, &value));
  std::string full;
  PutVarint64(&full, UINT64_MAX);
  for (size_t cut = 0; cut < full.size(); ++cut) {
    std::string_view input(full.data(), cut);  // every byte of it says "more follows"
    CHECK_FALSE(GetVarint64(&input, &value));
  }
}

TEST_CASE("an overlong varint is refused") {
  uint64_t value = 0;
  // Eleven bytes: ten continuation bytes never end within the 64-bit limit.
  std::string eleven(10, static_cast<char>(0x80));
  eleven.push_back(0x01);
  std::string_view input = eleven;
  CHECK_FALSE(GetVarint64(&input, &value));
  // Ten bytes whose last carries more than bit 63: the value would need 65 bits.
  std::string wide(9, static_cast<char>(0xFF));
  wide.push_back(0x02);
  input = wide;
  CHECK_FALSE(GetVarint64(&input, &value));
  // The same with bit 63 alone is UINT64_MAX, the largest that fits.
  wide.back() = 0x01;
  CHECK(DecodesTo(wide, UINT64_MAX));
}

}  // namespace gleaner
