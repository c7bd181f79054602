// One process writes continuously while `gleaner stage count` runs again and
// again in others: each read must open (as a RocksDB secondary) despite the
// live writer, and the counts it sees must only grow.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "storage/store_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

TEST_CASE("stage count sees growing counts while another process writes") {
  testing::TempDir tmp;
  std::string dir = tmp / "store";
  testing::BackgroundProcess writer({STAGE_TEST_WRITER, dir, "live", "50"});
  REQUIRE(writer.ReadLine() == std::optional<std::string>("ready"));

  // Bounded by runs, not by time: the writer commits far faster than a
  // reader process starts, so growth shows within a few runs.
  constexpr int kMaxRuns = 100;
  std::vector<uint64_t> counts;
  int increases = 0;
  for (int run = 0; run < kMaxRuns && increases < 3; ++run) {
    testing::ProcessResult r =
        testing::RunProcess({GLEANER_BINARY, "stage", "count", "live", "--json", "--data", dir},
                            {{"GLEANER_DATA", ""}});
    INFO("run " << run << " stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["job"] == "live");
    uint64_t records = j["records"];
    // Whole batches only: the counter is committed with its rows.
    CHECK(records % 50 == 0);
    if (!counts.empty()) {
      REQUIRE(records >= counts.back());
      increases += records > counts.back();
    }
    counts.push_back(records);
  }
  CHECK(writer.Kill());
  INFO("counts seen: " << counts.size());
  CHECK(counts.front() >= 50);
  CHECK(increases >= 2);
}

}  // namespace
}  // namespace gleaner::testing
