#include "ingest/shards/rle_hybrid.h"

#include <catch2/catch.hpp>
#include <vector>

namespace gleaner::shards {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::string Encode(const std::vector<uint32_t>& values, int bit_width) {
  std::string out;
  AppendRleBitPackedHybrid(values, bit_width, &out);
  return out;
}

TEST_CASE("the spec's bit-packing example: 0..7 at width 3") {
  // Header (1 group << 1) | 1, then 10001000 11000110 11111010.
  CHECK(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3) == Bytes({0x03, 0x88, 0xC6, 0xFA}));
}

TEST_CASE("eight or more equal values become one RLE run") {
  CHECK(Encode(std::vector<uint32_t>(8, 0), 1) == Bytes({0x10, 0x00}));  // 8 << 1, value 0
  // 300 ones: header varint(600) = 0xD8 0x04, value 1 in one byte.
  CHECK(Encode(std::vector<uint32_t>(300, 1), 1) == Bytes({0xD8, 0x04, 0x01}));
  // Width 9 stores the run value in two little-endian bytes.
  CHECK(Encode(std::vector<uint32_t>(8, 300), 9) == Bytes({0x10, 0x2C, 0x01}));
}

TEST_CASE("short runs are bit-packed least significant bit first, the last group padded") {
  CHECK(Encode({1, 0, 1, 1, 0, 0, 0, 1}, 1) == Bytes({0x03, 0x8D}));
  CHECK(Encode({1, 1, 1}, 1) == Bytes({0x03, 0x07}));
}

TEST_CASE("a run that starts inside a partial group first completes the group") {
  // 1,0 then eleven 1s: six fill the first group, five are left (under 8),
  // so everything is bit-packed in two groups: 11111101 and 00011111.
  CHECK(Encode({1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1) == Bytes({0x05, 0xFD, 0x1F}));
  // A full group then ten 5s at width 3: the group, then an RLE run.
  CHECK(Encode({0, 1, 2, 3, 4, 5, 6, 7, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, 3) ==
        Bytes({0x03, 0x88, 0xC6, 0xFA, 0x14, 0x05}));
}

TEST_CASE("bit width is the number of bits of the largest value, at least one") {
  CHECK(BitWidthFor(0) == 1);
  CHECK(BitWidthFor(1) == 1);
  CHECK(BitWidthFor(2) == 2);
  CHECK(BitWidthFor(3) == 2);
  CHECK(BitWidthFor(4) == 3);
  CHECK(BitWidthFor(255) == 8);
  CHECK(BitWidthFor(256) == 9);
  CHECK(BitWidthFor(UINT32_MAX) == 32);
}

}  // namespace
}  // namespace gleaner::shards
