// Split assignment: a row's split is a function of hash(seed, key) only, so it
// is reproducible and never moves when rows are appended. The key's typed
// values are encoded canonically (type tag + bytes) and hashed with XXH3-64
// seeded by the rules' seed; the hash, read as a fraction of 2^64, is compared
// with the cumulative train / validation fractions. With a `group` field the
// group's value is hashed instead of the key, so a group never straddles splits.
// With `stratify`, each class gets its own cut points: the train / validation
// quantiles of that class's hashes, so class proportions match the fractions
// as closely as whole rows allow; appending rows can then move a row that sits
// near a cut point (documented trade-off). Not thread-safe while adding.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/word_table.h"
#include "ingest/rules/rules_config.h"
#include "schema/gleaner.pb.h"

namespace gleaner::split {

enum class Split { kTrain = 0, kValidation = 1, kTest = 2 };
// The splits' names in manifests, folders and `pull --split`.
inline constexpr WordPair<Split> kSplitWords[] = {
    {"train", Split::kTrain}, {"validation", Split::kValidation}, {"test", Split::kTest}};
const char* SplitName(Split split);  // "train", "validation", "test"

// Appends the canonical encoding of one value to *out (nulls have their own tag).
void AppendKeyBytes(const v1::Value& value, std::string* out);
// XXH3-64 of the key bytes with the seed.
uint64_t SplitHash(uint64_t seed, std::string_view key_bytes);
// The key's identity across datasets: XXH3-64 of the key bytes with one fixed
// seed, not the rules' — a key hashes alike whatever split seed two datasets
// use, and apart from its split hash, so a sample of the smallest key hashes
// is not a sample of one split.
uint64_t KeyHash(std::string_view key_bytes);
// Unstratified assignment: hash / 2^64 < train → train, < train + validation →
// validation, else test.
Split AssignByHash(uint64_t hash, double train, double validation);

// Per-class cut points for stratified splits. Add every kept row's (class,
// hash) — rows of one group add the same hash once per row, which is fine —
// then Finish(), then Assign. A class never added is assigned by AssignByHash.
class StratifiedCuts {
 public:
  StratifiedCuts(double train, double validation) : train_(train), validation_(validation) {}
  void Add(std::string_view class_key, uint64_t hash);
  void Finish();
  Split Assign(std::string_view class_key, uint64_t hash) const;

 private:
  struct Cuts {
    std::vector<uint64_t> hashes;  // while adding; released by Finish
    // hash >= test_from → test, else hash >= validation_from → validation,
    // else train; nullopt: no row reaches that split (a cut of 2^64).
    std::optional<uint64_t> validation_from, test_from;
  };
  // Lets Assign look a class up by string_view without building a string.
  struct ClassHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  double train_, validation_;
  std::unordered_map<std::string, Cuts, ClassHash, std::equal_to<>> classes_;
};

}  // namespace gleaner::split
