// DedupIndex keeps exactly one row per key: the first or the last by fetch
// time, with ties broken by staging order.
#include "ingest/prepare/dedup_index.h"

#include <catch2/catch.hpp>
#include <map>

namespace gleaner::prepare {
namespace {

std::map<uint32_t, uint32_t> Duplicates(DedupIndex* index, rules::DedupKeep keep) {
  std::map<uint32_t, uint32_t> lost;  // row → kept row
  index->Resolve(keep, [&](uint32_t row, uint32_t kept) { lost[row] = kept; });
  return lost;
}

void AddRows(DedupIndex* index) {
  // key A: rows 0 (t=30), 2 (t=10), 4 (t=10); key B: row 1 alone; key C: rows 3 (t=5), 5 (t=7)
  index->Add(0xA, 30, 0);
  index->Add(0xB, 1, 1);
  index->Add(0xA, 10, 2);
  index->Add(0xC, 5, 3);
  index->Add(0xA, 10, 4);
  index->Add(0xC, 7, 5);
}

TEST_CASE("keep first keeps the earliest fetch, ties by staging order") {
  DedupIndex index;
  AddRows(&index);
  // A: earliest t=10 is shared by rows 2 and 4 → row 2 (staged first) is kept.
  const std::map<uint32_t, uint32_t> expected = {{0, 2}, {4, 2}, {5, 3}};
  CHECK(Duplicates(&index, rules::DedupKeep::kFirst) == expected);
}

TEST_CASE("keep last keeps the latest fetch") {
  DedupIndex index;
  AddRows(&index);
  const std::map<uint32_t, uint32_t> expected = {{2, 0}, {4, 0}, {3, 5}};
  CHECK(Duplicates(&index, rules::DedupKeep::kLast) == expected);
}

TEST_CASE("keep last breaks a fetch-time tie by the later staged row") {
  DedupIndex index;
  index.Add(0x1, 10, 0);
  index.Add(0x1, 10, 1);
  const std::map<uint32_t, uint32_t> expected = {{0, 1}};
  CHECK(Duplicates(&index, rules::DedupKeep::kLast) == expected);
}

TEST_CASE("resolving empties the index") {
  DedupIndex index;
  AddRows(&index);
  Duplicates(&index, rules::DedupKeep::kFirst);
  CHECK(Duplicates(&index, rules::DedupKeep::kFirst).empty());
}

}  // namespace
}  // namespace gleaner::prepare
