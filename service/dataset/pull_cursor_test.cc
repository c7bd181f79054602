// Resume tokens round-trip, and anything else is refused rather than
// silently restarting or skipping rows.
#include "service/dataset/pull_cursor.h"

#include <catch2/catch.hpp>

using namespace gleaner;

TEST_CASE("a resume token round-trips every field") {
  service::PullCursor c{1234, 0xfedcba9876543210ULL, "validation", 4096};
  std::string token = c.Encode();
  CHECK(token == "p1.1234.fedcba9876543210.validation.4096");
  service::PullCursor back;
  REQUIRE(service::PullCursor::Decode(token, &back).ok());
  CHECK(back.record_seq == 1234);
  CHECK(back.rules_hash == 0xfedcba9876543210ULL);
  CHECK(back.split == "validation");
  CHECK(back.rows == 4096);
}

TEST_CASE("tokens this server did not make are INVALID_ARGUMENT") {
  service::PullCursor out;
  for (const char* bad :
       {"", "p1", "p2.1.ff.train.0", "p1.x.ff.train.0", "p1.1.zz.train.0", "p1.1.ff..0",
        "p1.1.ff.train.", "p1.1.ff.train.5.6", "p1.-1.ff.train.0"}) {
    INFO(bad);
    CHECK(service::PullCursor::Decode(bad, &out).IsInvalidArgument());
  }
}

TEST_CASE("the rules hash tells rules texts apart") {
  CHECK(service::RulesHash("dataset: a\n") == service::RulesHash("dataset: a\n"));
  CHECK(service::RulesHash("dataset: a\n") != service::RulesHash("dataset: b\n"));
}
