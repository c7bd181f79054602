// The history a dataset carries forward: each publish adds the replaced
// dataset, keeps the newest kHistoryKeep versions and the pinned one, and a
// version is found in the dataset or its history — never outside it.
#include "ingest/prepare/dataset_history.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::prepare {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// The 32-hex version number i.
std::string Version(int i) {
  char text[40];
  std::snprintf(text, sizeof text, "%032x", i);
  return text;
}

// A stand-in dataset of version i at `dir` (only what the history reads).
void WriteDataset(const std::string& dir, int i) {
  fs::create_directories(dir);
  WriteFile(dir + "/manifest.json", nlohmann::json{{"version", Version(i)}}.dump());
  WriteFile(dir + "/profile.json", "profile " + std::to_string(i));
}

std::vector<std::string> Index(const std::string& dataset) {
  return nlohmann::json::parse(ReadFile(dataset + "/history/index.json"));
}

// Publishes versions 1..n into `out` the way PrepareDataset does: the new
// dataset is written, the history carried into it, and it replaces out.
void PublishVersions(const TempDir& dir, int n, const std::string& pinned) {
  for (int i = 1; i <= n; ++i) {
    const std::string tmp = dir / "tmp";
    WriteDataset(tmp, i);
    REQUIRE(CarryHistory(dir / "out", tmp, Version(i), pinned).ok());
    fs::remove_all(dir / "out");
    fs::rename(tmp, dir / "out");
  }
}

TEST_CASE("the history keeps the newest versions before the dataset, oldest first") {
  TempDir dir;
  PublishVersions(dir, 3, "");
  CHECK(Index(dir / "out") == std::vector<std::string>{Version(1), Version(2)});
  CHECK(ReadFile(dir / "out/history/" + Version(1) + "/profile.json") == "profile 1");
  std::string found;
  REQUIRE(FindVersion(dir / "out", Version(3), &found).ok());
  CHECK(found == dir / "out");
  REQUIRE(FindVersion(dir / "out", Version(1), &found).ok());
  CHECK(found == dir / "out/history/" + Version(1));
  const Status missing = FindVersion(dir / "out", Version(9), &found);
  CHECK(missing.IsNotFound());
  CHECK(missing.message().find(Version(2)) != std::string::npos);  // what there is

  // The same data again (its version unchanged) does not list itself.
  WriteDataset(dir / "tmp", 3);
  REQUIRE(CarryHistory(dir / "out", dir / "tmp", Version(3), "").ok());
  CHECK(Index(dir / "tmp") == std::vector<std::string>{Version(1), Version(2)});
}

TEST_CASE("beyond kHistoryKeep versions the oldest go, except the pinned one") {
  TempDir dir;
  const int n = static_cast<int>(kHistoryKeep) + 5;
  PublishVersions(dir, n, Version(2));
  std::vector<std::string> expected = {Version(2)};
  for (int i = n - static_cast<int>(kHistoryKeep); i < n; ++i) expected.push_back(Version(i));
  CHECK(Index(dir / "out") == expected);
  CHECK_FALSE(fs::exists(dir / "out/history/" + Version(1)));
  CHECK(fs::exists(dir / "out/history/" + Version(2) + "/profile.json"));
}

TEST_CASE("a replaced dataset whose manifest names no version leaves no history") {
  TempDir dir;
  fs::create_directories(dir / "out");
  WriteFile(dir / "out/manifest.json", "not a manifest");
  WriteDataset(dir / "tmp", 1);
  REQUIRE(CarryHistory(dir / "out", dir / "tmp", Version(1), "").ok());
  CHECK_FALSE(fs::exists(dir / "tmp/history"));
}

TEST_CASE("an index naming something other than a version is not followed") {
  TempDir dir;
  WriteDataset(dir / "out", 2);
  fs::create_directories(dir / "out/history");
  WriteFile(dir / "out/history/index.json", R"(["../../etc", ".."])");
  std::string found;
  CHECK(FindVersion(dir / "out", "..", &found).IsNotFound());
  WriteDataset(dir / "tmp", 3);
  REQUIRE(CarryHistory(dir / "out", dir / "tmp", Version(3), "").ok());
  CHECK(Index(dir / "tmp") == std::vector<std::string>{Version(2)});
}

}  // namespace
}  // namespace gleaner::prepare
