// A split that comes out empty, or with under a tenth of its configured
// fraction — whole groups landing in one split, a rare stratify class — used to
// be written without a word. It is a warning in the summary, in `--json` and in
// manifest.json's `warnings` ({kind, message}); the exit code stays 0.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;

// `count` records of class `cls` in group `group`.
void AddRecords(std::vector<v1::Record>* records, int count, const std::string& cls,
                const std::string& group) {
  for (int i = 0; i < count; ++i) {
    const std::string id = cls + std::to_string(i);
    records->push_back(Scraped("shop", "https://shop.example/" + id, kT0 + i,
                               {{"sku", id}, {"cls", cls}, {"brand", group}}));
  }
}

struct Prepared {
  ProcessResult summary;
  ProcessResult json_run;
  json manifest;
};

Prepared PrepareTwice(const TempDir& tmp, const std::string& rules_text) {
  WriteFile(tmp / "rules.yaml", rules_text);
  const std::string store = tmp / "store";
  const auto prepare = [&](const std::string& out, bool as_json) {
    std::vector<std::string> args = {"prepare", "--job", "shop",   "--rules", tmp / "rules.yaml",
                                     "--out",   out,     "--data", store};
    if (as_json) args.push_back("--json");
    return Gleaner(args);
  };
  Prepared p;
  p.summary = prepare(tmp / "out", false);
  p.json_run = prepare(tmp / "out-json", true);
  p.manifest = ReadJsonFile(tmp / "out/manifest.json");
  return p;
}

// The warnings of `kind` in a manifest (or the --json document, the same).
std::vector<std::string> Messages(const json& manifest, const std::string& kind) {
  std::vector<std::string> messages;
  for (const json& w : manifest["warnings"]) {
    if (w["kind"] == kind) messages.push_back(w["message"]);
  }
  return messages;
}

// Whether a warning of `kind` says `text`.
bool Warned(const json& manifest, const std::string& kind, const std::string& text) {
  for (const std::string& m : Messages(manifest, kind)) {
    if (m.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("splits left empty by whole groups are warned about everywhere the dataset reports") {
  TempDir tmp;
  std::vector<v1::Record> records;
  AddRecords(&records, 100, "a", "acme");
  AddRecords(&records, 100, "b", "bolt");
  StageRecords(tmp / "store", "shop", records);
  const Prepared p = PrepareTwice(tmp, R"(fields:
  sku: {type: string}
  brand: {type: string}
split: {group: brand, seed: 3}
)");
  INFO(p.summary.out << p.summary.err);
  REQUIRE(p.summary.exit_code == 0);
  REQUIRE(p.json_run.exit_code == 0);
  // Two groups fill at most two of the three splits.
  int empty = 0;
  for (const char* split : {"train", "validation", "test"}) {
    if (p.manifest["splits"][split]["rows"] != 0) continue;
    ++empty;
    const std::string message = std::string("split '") + split + "' has 0 of 200 rows";
    CHECK(Warned(p.manifest, "empty_split", message));
    CHECK(p.summary.out.find("warning: " + message) != std::string::npos);
  }
  CHECK(empty >= 1);
  CHECK(Messages(p.manifest, "empty_split").size() == static_cast<size_t>(empty));
  CHECK(Messages(p.manifest, "empty_split")[0].find("group 'brand'") != std::string::npos);
  CHECK(json::parse(p.json_run.out)["warnings"] == p.manifest["warnings"]);
}

TEST_CASE("a stratify class too small to reach every split is warned about by name") {
  TempDir tmp;
  std::vector<v1::Record> records;
  AddRecords(&records, 300, "common", "acme");
  AddRecords(&records, 3, "rare", "acme");
  StageRecords(tmp / "store", "shop", records);
  const Prepared p = PrepareTwice(tmp, R"(fields:
  sku: {type: string}
  cls: {type: category}
split: {stratify: cls}
)");
  INFO(p.summary.out << p.summary.err);
  REQUIRE(p.summary.exit_code == 0);
  const std::vector<std::string> classes = Messages(p.manifest, "starved_class");
  REQUIRE(classes.size() == 1);
  CHECK(classes[0].find("class 'rare' of stratify 'cls' (3 rows)") != std::string::npos);
  CHECK(p.summary.out.find("warning: class 'rare'") != std::string::npos);
  // The splits as a whole are fine.
  CHECK(Messages(p.manifest, "empty_split").empty());
  CHECK(Messages(p.manifest, "starved_split").empty());
}

TEST_CASE("a split under a tenth of its fraction is starved, one near its fraction is not") {
  TempDir tmp;
  std::vector<v1::Record> records;
  // Keyed by class: 995 rows of one class go to one split together, and the
  // five classes of one row each are all the other splits can get.
  AddRecords(&records, 995, "a", "acme");
  for (int i = 1; i <= 5; ++i) AddRecords(&records, 1, "b" + std::to_string(i), "acme");
  StageRecords(tmp / "store", "shop", records);
  const Prepared p = PrepareTwice(tmp, R"(fields:
  sku: {type: string}
  cls: {type: string}
split: {key: [cls], seed: 1}
)");
  INFO(p.summary.out << p.summary.err);
  REQUIRE(p.summary.exit_code == 0);
  int starved = 0;
  for (const char* split : {"train", "validation", "test"}) {
    const int64_t rows = p.manifest["splits"][split]["rows"];
    if (rows > 5) continue;
    const std::string kind = rows == 0 ? "empty_split" : "starved_split";
    starved += rows > 0;
    const std::string message =
        std::string("split '") + split + "' has " + std::to_string(rows) + " of 1000 rows";
    CHECK(Warned(p.manifest, kind, message));
  }
  CHECK(starved >= 1);
  CHECK(p.manifest["warnings"].size() == 2);

  // 0.5% of the rows for a 0.5% test fraction is what was asked for.
  TempDir even;
  records.clear();
  AddRecords(&records, 1000, "a", "acme");
  StageRecords(even / "store", "shop", records);
  const Prepared fine = PrepareTwice(even, R"(fields:
  sku: {type: string}
split: {train: 0.895, validation: 0.1, test: 0.005}
)");
  INFO(fine.summary.out << fine.summary.err);
  REQUIRE(fine.summary.exit_code == 0);
  CHECK(fine.manifest["warnings"].empty());
}

}  // namespace
}  // namespace gleaner::testing
