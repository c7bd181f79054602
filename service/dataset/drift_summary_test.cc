#include "service/dataset/drift_summary.h"

#include <catch2/catch.hpp>

namespace gleaner::service {
namespace {

using json = nlohmann::ordered_json;

TEST_CASE("a schema change of an ignored field is left out of the summary's drift fields") {
  // As ProfileDriftJson writes it: one kept field that drifted, a removed
  // field that counts and a retyped one the monitor ignores.
  const json report = {
      {"format", "gleaner-drift/1"},
      {"verdict", "drift"},
      {"fields", {{{"field", "price"}, {"verdict", "drift"}, {"numeric", {{"psi", 0.4}}}}}},
      {"schema",
       {{{"field", "sku"}, {"change", "removed"}},
        {{"field", "fetch_time"}, {"change", "type_changed"}, {"ignored", true}}}}};
  v1::DriftSummary summary;
  REQUIRE(DriftSummaryOf(report, &summary).ok());
  CHECK(summary.verdict() == "drift");
  REQUIRE(summary.drift_fields_size() == 2);
  CHECK(summary.drift_fields(0) == "price");
  CHECK(summary.drift_fields(1) == "sku (removed)");
  REQUIRE(summary.fields_size() == 1);
  CHECK(summary.fields(0).scores().at("psi") == 0.4);
}

TEST_CASE("a document that is not a drift report is refused") {
  v1::DriftSummary summary;
  CHECK(DriftSummaryOf(json{{"format", "gleaner-profile/1"}}, &summary).IsInvalidArgument());
}

}  // namespace
}  // namespace gleaner::service
