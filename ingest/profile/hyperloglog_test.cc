#include "ingest/profile/hyperloglog.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

namespace gleaner::profile {
namespace {

std::string Key(uint64_t i) { return "value-" + std::to_string(i); }

HyperLogLog OfRange(uint64_t from, uint64_t to) {
  HyperLogLog hll;
  for (uint64_t i = from; i < to; ++i) hll.Add(Key(i));
  return hll;
}

TEST_CASE("below the exact limit the distinct count is exact, repeats included") {
  HyperLogLog hll;
  for (int round = 0; round < 3; ++round) {
    for (uint64_t i = 0; i < HyperLogLog::kExactLimit; ++i) hll.Add(Key(i));
  }
  CHECK(hll.exact());
  CHECK(hll.Estimate() == HyperLogLog::kExactLimit);
  hll.Add(Key(HyperLogLog::kExactLimit));
  CHECK_FALSE(hll.exact());
}

TEST_CASE("past the exact limit the estimate is within 3 sigma of 1.04/sqrt(m), over the range") {
  // The improved estimator has no switch-over bump: sizes just past the
  // exact limit, where linear counting used to hand over (2.5 m ~ 41k), and 10^6.
  for (uint64_t n : {5000, 12000, 41000, 100000, 1000000}) {
    const double estimate = OfRange(0, n).Estimate();
    const double relative = std::abs(estimate - static_cast<double>(n)) / static_cast<double>(n);
    INFO("n = " << n << ", estimate " << estimate);
    CHECK(relative <= 3 * HyperLogLog::kRelativeStandardError);
  }
}

TEST_CASE("merging sketches counts the union, exact while the union is under the limit") {
  HyperLogLog a = OfRange(0, 1500), b = OfRange(1000, 2500);
  a.Merge(b);
  CHECK(a.exact());
  CHECK(a.Estimate() == 2500);

  // Overlapping halves of 10^6 values: the merge equals the sketch of the whole.
  HyperLogLog left = OfRange(0, 600000), right = OfRange(400000, 1000000);
  left.Merge(right);
  const HyperLogLog whole = OfRange(0, 1000000);
  CHECK(left.Estimate() == whole.Estimate());
  CHECK(left.ToJson() == whole.ToJson());

  // An exact sketch merged into registers, and registers into an exact one.
  HyperLogLog small = OfRange(999000, 1001000);
  HyperLogLog big = OfRange(0, 1000000);
  small.Merge(big);
  big.Merge(OfRange(999000, 1001000));
  CHECK(small.ToJson() == big.ToJson());
  CHECK(std::abs(big.Estimate() - 1001000) <= 3 * HyperLogLog::kRelativeStandardError * 1001000);
}

TEST_CASE("a sketch read back from its JSON is the same sketch") {
  for (uint64_t n : {0, 10, 5000}) {
    const HyperLogLog hll = OfRange(0, n);
    HyperLogLog back;
    REQUIRE(HyperLogLog::FromJson(hll.ToJson(), "d", &back).ok());
    CHECK(back.exact() == hll.exact());
    CHECK(back.Estimate() == hll.Estimate());
    CHECK(back.ToJson() == hll.ToJson());
  }
}

TEST_CASE("registers or hashes no sketch could have written are refused, naming what is wrong") {
  HyperLogLog out;
  const auto refused = [&](const nlohmann::json& json) {
    const Status s = HyperLogLog::FromJson(json, "col.distinct", &out);
    INFO(json.dump().substr(0, 80) << " -> " << s.ToString());
    CHECK(s.IsInvalidArgument());
    CHECK(s.ToString().find("col.distinct: ") != std::string::npos);
  };
  refused(nlohmann::json::array());
  refused({{"exact_hashes", "0123"}});                // not 16 digits a hash
  refused({{"exact_hashes", "000000000000000g"}});    // not hex
  refused({{"exact_hashes", std::string(32, '0')}});  // a hash twice
  refused({{"exact_hashes", std::string(16 * (HyperLogLog::kExactLimit + 1), '0')}});
  refused({{"registers", std::string(100, 'A')}});                      // too few
  refused({{"registers", std::string(HyperLogLog::kRegisters, '/')}});  // 63 > q + 1
  refused({{"registers", "A"}, {"exact_hashes", ""}});
}

}  // namespace
}  // namespace gleaner::profile
