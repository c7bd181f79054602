#include "ingest/split/split_assigner.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "common/coding.h"

namespace gleaner::split {

namespace {

void AppendLengthPrefixed(const std::string& bytes, std::string* out) {
  PutFixed64(out, bytes.size());
  out->append(bytes);
}

// hash / 2^64 < fraction, computed on integers: the fraction becomes a cut
// point once, instead of the hash losing its low 11 bits as a double.
bool Below(uint64_t hash, double fraction) {
  if (!(fraction > 0)) return false;
  if (fraction >= 1) return true;
  return hash < static_cast<uint64_t>(std::ldexp(fraction, 64));  // < 2^64 as fraction < 1
}

// Fractions that sum to 1 in decimal may not in binary (0.7 + 0.2 + 0.1):
// a cumulative fraction within rounding of 1 is 1, so a test fraction of 0
// really assigns no row to test.
double Cumulative(double a, double b) {
  const double sum = a + b;
  return sum > 1 - 1e-12 ? 1 : sum;
}

int64_t RowsFor(double fraction, int64_t n, int64_t at_most) {
  return std::clamp<int64_t>(std::llround(fraction * static_cast<double>(n)), 0, at_most);
}

// The first hash of sorted[rows..], where the next split starts; nullopt when
// every row stays before it. Equal hashes (one group) all land on one side.
std::optional<uint64_t> CutAt(const std::vector<uint64_t>& sorted, size_t rows) {
  if (rows == 0) return 0;
  if (rows >= sorted.size()) return std::nullopt;
  return sorted[rows];
}

}  // namespace

const char* SplitName(Split split) { return WordOf(kSplitWords, split); }

void AppendKeyBytes(const v1::Value& value, std::string* out) {
  // The oneof's field number is the tag: stable on the wire, so it never
  // changes the hash of existing keys, and 0 (KIND_NOT_SET) is null.
  out->push_back(static_cast<char>(value.kind_case()));
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      AppendLengthPrefixed(value.string_value(), out);
      break;
    case v1::Value::kBytesValue:
      AppendLengthPrefixed(value.bytes_value(), out);
      break;
    case v1::Value::kJsonValue:
      AppendLengthPrefixed(value.json_value(), out);
      break;
    case v1::Value::kIntValue:
      PutFixed64(out, static_cast<uint64_t>(value.int_value()));
      break;
    case v1::Value::kTimestampMicros:
      PutFixed64(out, static_cast<uint64_t>(value.timestamp_micros()));
      break;
    case v1::Value::kDoubleValue: {
      // Values that compare equal share a key: -0.0 is 0.0, and every NaN is one NaN.
      double d = value.double_value();
      if (d == 0) d = 0;
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      PutFixed64(out, std::bit_cast<uint64_t>(d));
      break;
    }
    case v1::Value::kBoolValue:
      out->push_back(value.bool_value() ? 1 : 0);
      break;
    case v1::Value::KIND_NOT_SET:
      break;
  }
}

uint64_t SplitHash(uint64_t seed, std::string_view key_bytes) {
  return XXH3_64bits_withSeed(key_bytes.data(), key_bytes.size(), seed);
}

uint64_t KeyHash(std::string_view key_bytes) {
  // 2^64 / golden ratio: far from the small seeds rules files name.
  constexpr uint64_t kKeyHashSeed = 0x9e3779b97f4a7c15;
  return SplitHash(kKeyHashSeed, key_bytes);
}

Split AssignByHash(uint64_t hash, double train, double validation) {
  if (Below(hash, train)) return Split::kTrain;
  if (Below(hash, Cumulative(train, validation))) return Split::kValidation;
  return Split::kTest;
}

void StratifiedCuts::Add(std::string_view class_key, uint64_t hash) {
  auto it = classes_.find(class_key);
  if (it == classes_.end()) it = classes_.emplace(std::string(class_key), Cuts{}).first;
  it->second.hashes.push_back(hash);
}

void StratifiedCuts::Finish() {
  for (auto& [class_key, cuts] : classes_) {
    std::vector<uint64_t> sorted = std::move(cuts.hashes);
    cuts.hashes = {};
    std::sort(sorted.begin(), sorted.end());
    const int64_t n = static_cast<int64_t>(sorted.size());
    const int64_t train_rows = RowsFor(train_, n, n);
    const int64_t validation_rows = RowsFor(validation_, n, n - train_rows);
    cuts.validation_from = CutAt(sorted, train_rows);
    cuts.test_from = CutAt(sorted, train_rows + validation_rows);
  }
}

Split StratifiedCuts::Assign(std::string_view class_key, uint64_t hash) const {
  auto it = classes_.find(class_key);
  if (it == classes_.end()) return AssignByHash(hash, train_, validation_);
  const Cuts& cuts = it->second;
  if (cuts.test_from && hash >= *cuts.test_from) return Split::kTest;
  if (cuts.validation_from && hash >= *cuts.validation_from) return Split::kValidation;
  return Split::kTrain;
}

}  // namespace gleaner::split
