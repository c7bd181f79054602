#include "ingest/profile/hyperloglog.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "ingest/profile/json_fields.h"

namespace gleaner::profile {
namespace {

// Bits of the hash below the register index; a register holds 0..kQ+1.
constexpr int kQ = 64 - HyperLogLog::kPrecision;
constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Ertl's σ and τ (2017, algorithm 6): the contributions of the empty and of
// the saturated registers to the improved raw estimator.
double Sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0, z = x, previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z != previous);
  return z;
}

double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0, z = 1.0 - x, previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
  } while (z != previous);
  return z / 3.0;
}

int DigitValue(char c) {
  const char* p = std::find(kDigits, kDigits + 64, c);
  return p == kDigits + 64 ? -1 : static_cast<int>(p - kDigits);
}

}  // namespace

uint64_t HyperLogLog::Hash(std::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

void HyperLogLog::AddToRegisters(uint64_t hash) {
  const size_t index = hash >> kQ;
  const uint64_t rest = hash << kPrecision;
  const int value = rest == 0 ? kQ + 1 : __builtin_clzll(rest) + 1;
  registers_[index] = std::max<uint8_t>(registers_[index], static_cast<uint8_t>(value));
}

void HyperLogLog::ToRegisters() {
  registers_.assign(kRegisters, 0);
  for (uint64_t hash : exact_) AddToRegisters(hash);
  exact_ = {};
}

void HyperLogLog::AddHash(uint64_t hash) {
  if (!exact()) {
    AddToRegisters(hash);
    return;
  }
  exact_.insert(hash);
  if (exact_.size() > kExactLimit) ToRegisters();
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  if (other.exact()) {
    for (uint64_t hash : other.exact_) AddHash(hash);
    return;
  }
  if (exact()) ToRegisters();
  for (size_t i = 0; i < kRegisters; ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
}

double HyperLogLog::Estimate() const {
  if (exact()) return static_cast<double>(exact_.size());
  std::array<double, kQ + 2> histogram{};
  for (uint8_t r : registers_) histogram[r] += 1.0;
  const double m = static_cast<double>(kRegisters);
  double z = m * Tau(1.0 - histogram[kQ + 1] / m);
  for (int k = kQ; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  return m * m / (2.0 * std::log(2.0) * z);
}

nlohmann::json HyperLogLog::ToJson() const {
  std::string text;
  if (exact()) {
    std::vector<uint64_t> hashes(exact_.begin(), exact_.end());
    std::sort(hashes.begin(), hashes.end());
    text.reserve(hashes.size() * 16);
    for (uint64_t h : hashes) AppendHex(h, 16, &text);
    return {{"exact_hashes", text}};
  }
  text.reserve(kRegisters);
  for (uint8_t r : registers_) text += kDigits[r];
  return {{"registers", text}};
}

Status HyperLogLog::FromJson(const nlohmann::json& json, const std::string& where,
                             HyperLogLog* out) {
  *out = HyperLogLog();
  const auto error = [&](const std::string& what) { return InvalidAt(where, what); };
  if (!json.is_object() || json.size() != 1) {
    return error("expected an object with one key, exact_hashes or registers");
  }
  if (json.contains("exact_hashes")) {
    std::vector<uint64_t> hashes;
    GLEANER_RETURN_IF_ERROR(
        ReadHexWords(json["exact_hashes"], "exact_hashes", 16, kExactLimit, where, &hashes));
    out->exact_.insert(hashes.begin(), hashes.end());
    if (out->exact_.size() != hashes.size()) return error("exact_hashes: a hash repeats");
    return Status::OK();
  }
  const auto it = json.find("registers");
  if (it == json.end() || !it->is_string()) {
    return error("expected exact_hashes or registers (a string)");
  }
  const std::string& text = it->get_ref<const std::string&>();
  if (text.size() != kRegisters) {
    return error("registers: expected " + std::to_string(kRegisters) + " characters, got " +
                 std::to_string(text.size()));
  }
  out->registers_.resize(kRegisters);
  for (size_t i = 0; i < kRegisters; ++i) {
    const int v = DigitValue(text[i]);
    if (v < 0 || v > kQ + 1) {
      return error("registers: character " + std::to_string(i) + " is not a register value 0.." +
                   std::to_string(kQ + 1));
    }
    out->registers_[i] = static_cast<uint8_t>(v);
  }
  return Status::OK();
}

}  // namespace gleaner::profile
