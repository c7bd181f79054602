#include "ingest/shards/rle_hybrid.h"

#include <vector>

#include "common/coding.h"

namespace gleaner::shards {

namespace {

constexpr size_t kGroup = 8;  // bit-packed runs hold whole groups of 8 values

class HybridEncoder {
 public:
  HybridEncoder(int bit_width, std::string* out) : bit_width_(bit_width), out_(out) {}

  void Encode(std::span<const uint32_t> values) {
    size_t i = 0;
    while (i < values.size()) {
      size_t run = 1;
      while (i + run < values.size() && values[i + run] == values[i]) ++run;
      // A pending partial group must be completed before an RLE run can start.
      if (const size_t fill = (kGroup - literal_.size() % kGroup) % kGroup; fill > 0) {
        const size_t take = std::min(run, fill);
        literal_.insert(literal_.end(), values.begin() + i, values.begin() + i + take);
        i += take;
        run -= take;
        if (run == 0) continue;
      }
      if (run >= kGroup) {
        FlushLiteral();
        EmitRun(values[i], run);
      } else {
        literal_.insert(literal_.end(), values.begin() + i, values.begin() + i + run);
      }
      i += run;
    }
    FlushLiteral();
  }

 private:
  void EmitRun(uint32_t value, size_t count) {
    PutVarint64(out_, static_cast<uint64_t>(count) << 1);
    for (int byte = 0; byte < (bit_width_ + 7) / 8; ++byte) {
      out_->push_back(static_cast<char>((value >> (8 * byte)) & 0xFF));
    }
  }

  void FlushLiteral() {
    if (literal_.empty()) return;
    literal_.resize((literal_.size() + kGroup - 1) / kGroup * kGroup, 0);
    PutVarint64(out_, ((literal_.size() / kGroup) << 1) | 1);
    uint64_t bits = 0;
    int bit_count = 0;
    for (uint32_t value : literal_) {
      bits |= static_cast<uint64_t>(value) << bit_count;
      bit_count += bit_width_;
      while (bit_count >= 8) {
        out_->push_back(static_cast<char>(bits & 0xFF));
        bits >>= 8;
        bit_count -= 8;
      }
    }
    literal_.clear();
  }

  const int bit_width_;
  std::string* out_;
  std::vector<uint32_t> literal_;
};

}  // namespace

void AppendRleBitPackedHybrid(std::span<const uint32_t> values, int bit_width, std::string* out) {
  HybridEncoder(bit_width, out).Encode(values);
}

int BitWidthFor(uint32_t max_value) {
  int width = 1;
  while (width < 32 && (max_value >> width) != 0) ++width;
  return width;
}

}  // namespace gleaner::shards
