#include "ingest/report/value_axis.h"

#include <catch2/catch.hpp>
#include <cmath>

namespace gleaner::report {
namespace {

TEST_CASE("the axis' top covers the largest value with less than half of it to spare") {
  for (double largest = 1e-3; largest < 1e12; largest *= 1.0137) {
    const ValueAxis axis = AxisFor(largest);
    INFO("largest " << largest << " top " << axis.top);
    REQUIRE(axis.top >= largest);
    REQUIRE(axis.top < 1.5 * largest);
    REQUIRE(axis.ticks.size() == kAxisSteps + 1);
    REQUIRE(axis.ticks.front() == 0);
    REQUIRE(axis.ticks.back() == axis.top);
  }
}

TEST_CASE("an axis over nothing, or over a value that is not finite, runs from 0 to 1") {
  for (double largest : {0.0, -5.0, std::nan(""), HUGE_VAL}) CHECK(AxisFor(largest).top == 1);
}

TEST_CASE("exact numbers read back to the same double") {
  for (double v : {0.1, 1.0 / 3, 2.5e-300, 123456789.0}) CHECK(std::stod(Exact(v)) == v);
  CHECK(Coordinate(1.0 / 3) == "0.33");
}

}  // namespace
}  // namespace gleaner::report
