// HyperLogLog: the number of distinct values of a column from bounded memory.
// Exact below kExactLimit distinct values (it keeps their 64-bit XXH3 hashes,
// so only a hash collision, odds about n²/2⁶⁵, could miss one); above, 2^14
// HyperLogLog registers (16 KiB) estimated with Ertl's improved estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches", 2017),
// which needs neither the linear-counting switch for small counts nor a
// large-range correction (the hashes have 64 bits), with a relative standard
// error of 1.04/√m ≈ 0.81 %. Mergeable: the merge of two sketches is the
// sketch of the union. A value type; not thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"

namespace gleaner::profile {

class HyperLogLog {
 public:
  static constexpr int kPrecision = 14;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;
  // Distinct hashes kept exactly; one more turns the sketch into registers.
  static constexpr size_t kExactLimit = 4096;
  // 1.04/√m for m = kRegisters: the estimate's relative standard error.
  static constexpr double kRelativeStandardError = 1.04 / 128.0;

  // The hash every caller feeds: XXH3-64 of the bytes, seed 0.
  static uint64_t Hash(std::string_view bytes);

  void Add(std::string_view bytes) { AddHash(Hash(bytes)); }
  void AddHash(uint64_t hash);
  void Merge(const HyperLogLog& other);

  // The exact count while exact(), else the HyperLogLog estimate.
  double Estimate() const;
  bool exact() const { return registers_.empty(); }

  // {"exact_hashes": "<16 hex digits per hash, ascending>"} while exact, else
  // {"registers": "<one character per register: its value as a digit of the
  // base64 alphabet A-Z a-z 0-9 + />"}.
  nlohmann::json ToJson() const;
  // Reads what ToJson wrote; InvalidArgument naming `where` and what is wrong.
  static Status FromJson(const nlohmann::json& json, const std::string& where, HyperLogLog* out);

 private:
  void ToRegisters();
  void AddToRegisters(uint64_t hash);

  std::unordered_set<uint64_t> exact_;  // while registers_ is empty
  std::vector<uint8_t> registers_;      // kRegisters entries once past kExactLimit
};

}  // namespace gleaner::profile
