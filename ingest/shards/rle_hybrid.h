// The Parquet RLE / bit-packing hybrid encoding of small unsigned integers
// (definition levels and dictionary indices). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace gleaner::shards {

// Appends `values` encoded with the given bit width (1..32), without the
// 4-byte length prefix that v1 data pages put before levels. Runs of eight
// or more equal values become RLE runs; the rest is bit-packed in groups of
// eight, the last group padded with zeros (readers stop at the page's value
// count).
void AppendRleBitPackedHybrid(std::span<const uint32_t> values, int bit_width, std::string* out);

// Bits needed to represent max_value, at least 1.
int BitWidthFor(uint32_t max_value);

}  // namespace gleaner::shards
