// Publishing and its recovery, state by state: what a writer killed at each
// step of a publish leaves on disk, and what the next RecoverPublish makes of
// it — OUT always ends up holding one whole dataset and no debris is left.
// Also where a dataset may go relative to the store (dataset_location.h).
#include "ingest/prepare/dataset_publish.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "ingest/prepare/dataset_location.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::prepare {
namespace {

namespace fs = std::filesystem;
using testing::GonePid;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

// A stand-in dataset whose manifest says which one it is.
void WriteDataset(const std::string& dir, const std::string& which) {
  fs::create_directories(dir + "/train");
  WriteFile(dir + "/train/part-00000.jsonl", which + " rows\n");
  WriteFile(dir + "/manifest.json", which);
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::string Suffixed(const std::string& out, const char* infix, pid_t pid) {
  return out + infix + std::to_string(pid);
}

TEST_CASE("a publish swaps the new dataset in whole and leaves nothing beside it") {
  TempDir tmp;
  const std::string out = tmp / "out";
  WriteDataset(PublishTempDir(out), "first");
  REQUIRE(PublishDir(PublishTempDir(out), out).ok());
  CHECK(ReadFile(out + "/manifest.json") == "first");

  WriteDataset(PublishTempDir(out + "/"), "second");
  REQUIRE(PublishDir(PublishTempDir(out + "/"), out + "/").ok());
  CHECK(ReadFile(out + "/manifest.json") == "second");
  CHECK(ReadFile(out + "/train/part-00000.jsonl") == "second rows\n");
  CHECK(Entries(tmp.path()) == std::set<std::string>{"out"});
}

TEST_CASE("a writer killed while writing leaves OUT.tmp-PID, removed by the next recovery") {
  TempDir tmp;
  const std::string out = tmp / "out";
  WriteDataset(out, "old");
  const std::string partial = Suffixed(out, ".tmp-", GonePid());
  fs::create_directories(partial + "/train");
  WriteFile(partial + "/train/part-00000.jsonl", "half a shard");
  // Debris of another OUT is not this OUT's to remove.
  const std::string other = Suffixed(tmp / "outer", ".tmp-", GonePid());
  fs::create_directories(other);

  REQUIRE(RecoverPublish(out).ok());
  CHECK(ReadFile(out + "/manifest.json") == "old");
  CHECK(Entries(tmp.path()) == std::set<std::string>{"out", fs::path(other).filename().string()});
}

TEST_CASE("a writer killed after the swap leaves the old dataset in OUT.tmp-PID, removed next") {
  TempDir tmp;
  const std::string out = tmp / "out";
  WriteDataset(out, "new");
  WriteDataset(Suffixed(out, ".tmp-", GonePid()), "old");
  REQUIRE(RecoverPublish(out).ok());
  CHECK(ReadFile(out + "/manifest.json") == "new");
  CHECK(Entries(tmp.path()) == std::set<std::string>{"out"});
}

TEST_CASE("a dataset stranded in OUT.old-PID with OUT absent is restored, beside OUT removed") {
  TempDir tmp;
  const std::string out = tmp / "out";
  // Killed between moving the old dataset aside and renaming the new one in.
  WriteDataset(Suffixed(out, ".old-", GonePid()), "old");
  fs::create_directories(Suffixed(out, ".tmp-", GonePid()) + "/train");
  REQUIRE(RecoverPublish(out).ok());
  CHECK(ReadFile(out + "/manifest.json") == "old");
  CHECK(ReadFile(out + "/train/part-00000.jsonl") == "old rows\n");
  CHECK(Entries(tmp.path()) == std::set<std::string>{"out"});

  // Killed after the new one was renamed in: the old one is debris.
  WriteDataset(Suffixed(out, ".old-", GonePid()), "older");
  REQUIRE(RecoverPublish(out).ok());
  CHECK(ReadFile(out + "/manifest.json") == "old");
  CHECK(Entries(tmp.path()) == std::set<std::string>{"out"});
}

TEST_CASE("the directories of a writer that is still running are left alone") {
  TempDir tmp;
  const std::string out = tmp / "out";
  WriteDataset(out, "old");
  // Our parent (the test runner) is alive and is not us.
  const std::string running = Suffixed(out, ".tmp-", getppid());
  const std::string aside = Suffixed(tmp / "gone", ".old-", getppid());
  fs::create_directories(running);
  WriteDataset(aside, "moved aside");
  REQUIRE(RecoverPublish(out).ok());
  REQUIRE(RecoverPublish(tmp / "gone").ok());
  CHECK(fs::exists(running));
  CHECK(fs::exists(aside));
  CHECK_FALSE(fs::exists(tmp / "gone"));
}

TEST_CASE("recovery below a root mends every dataset's debris without entering datasets") {
  TempDir tmp;
  const std::string root = tmp / "datasets";
  WriteDataset(root + "/a", "a");
  WriteDataset(Suffixed(root + "/a", ".tmp-", GonePid()), "a partial");
  WriteDataset(Suffixed(root + "/team/b", ".old-", GonePid()), "b");
  // Inside a dataset nothing is debris, whatever its name.
  WriteDataset(Suffixed(root + "/a/train/c", ".old-", GonePid()), "not debris");
  REQUIRE(RecoverPublishesBelow(root).ok());
  CHECK(Entries(root) == std::set<std::string>{"a", "team"});
  CHECK(Entries(root + "/team") == std::set<std::string>{"b"});
  CHECK(ReadFile(root + "/team/b/manifest.json") == "b");
  CHECK(Entries(root + "/a/train").size() == 2);
  CHECK(RecoverPublishesBelow(tmp / "missing").ok());
}

TEST_CASE("names publishing uses for itself are refused as outputs") {
  for (const std::string out : {"x.tmp-12", "d/x.old-3/", ".", "a/..", "/"}) {
    INFO(out);
    CHECK(CheckPublishTarget(out).IsInvalidArgument());
  }
  for (const std::string out : {"x", "x.tmp-", "x.tmp-1a", "x.old", "d/x.tmp-12/y", "x/"}) {
    INFO(out);
    CHECK(CheckPublishTarget(out).ok());
  }
}

TEST_CASE("a dataset may not be written among the store's files, only below its datasets/") {
  TempDir tmp;
  const std::string store = tmp / "store";
  fs::create_directories(store);
  fs::create_directory_symlink(store, tmp / "link");
  for (const std::string& out :
       {store, store + "/", store + "/000072.sst", store + "/CURRENT", store + "/archive/x",
        store + "/datasets", store + "/datasets/../x", tmp.path(), tmp / "link/LOCK",
        std::string(tmp / "x") + std::string(1, '\0') + "y"}) {
    INFO(out);
    CHECK(CheckOutputLocation(store, out).IsInvalidArgument());
  }
  for (const std::string& out :
       {store + "/datasets/x", store + "/datasets/a/b", tmp / "store2", tmp / "out"}) {
    INFO(out);
    CHECK(CheckOutputLocation(store, out).ok());
  }
}

}  // namespace
}  // namespace gleaner::prepare
