// `gleaner prepare` killed with SIGKILL at each step of its publish — while it
// writes, with the new dataset complete beside OUT, right after the swap —
// leaves OUT holding one whole dataset, the old or the new; the next prepare
// removes the debris and puts back a dataset stranded by an older gleaner.
// An --out among the store's own files is refused before anything is written.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/prepare/prepare_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// 100-row shards, so a dataset is a few hundred files and removing one takes a while.
constexpr const char* kRules = R"(dataset: shop
fields:
  sku:   {type: string, required: true}
  title: {type: string}
  price: {type: float, parse: currency}
split: {key: [sku], seed: 3, train: 0.8, validation: 0.1, test: 0.1}
output: {shard_rows: 100}
)";

// Enough for a kill to find each step of a publish in progress.
constexpr int kRecords = 40000;
// For the cases that kill nothing: staging and preparing 40,000 records cost
// ~1 s of CPU they do not need.
constexpr int kFewRecords = 321;

// A store of `records` records of job "shop" and the rules above.
class Store {
 public:
  explicit Store(int count) : store_(tmp_ / "store"), rules_(tmp_ / "rules.yaml") {
    std::vector<v1::Record> records;
    for (int i = 0; i < count; ++i) {
      const std::string n = std::to_string(i);
      records.push_back(Scraped("shop", "https://shop.example/p/" + n, kT0 + i,
                                {{"sku", "S" + n},
                                 {"title", "A product with a longish title, number " + n},
                                 {"price", "$" + n + ".99"}}));
    }
    StageRecords(store_, "shop", records);
    WriteFile(rules_, kRules);
  }
  std::vector<std::string> PrepareArgs(const std::string& out, const std::string& format) const {
    return {"prepare", "--job",    "shop", "--rules", rules_, "--out",
            out,       "--format", format, "--data",  store_};
  }
  ProcessResult Prepare(const std::string& out, const std::string& format) const {
    return Gleaner(PrepareArgs(out, format));
  }
  const TempDir& tmp() const { return tmp_; }
  const std::string& store() const { return store_; }

 private:
  TempDir tmp_;
  std::string store_;
  std::string rules_;
};

// The dataset's version when `dir` holds a whole dataset: a manifest and
// every shard it lists, of the size it lists. Empty otherwise.
std::string WholeDatasetVersion(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir + "/manifest.json", ec)) return "";
  const json manifest = ReadJsonFile(dir + "/manifest.json");
  for (const char* set : kShardSets) {
    for (const json& shard : ManifestSet(manifest, set)["shards"]) {
      const std::string path = dir + "/" + shard["path"].get<std::string>();
      if (fs::file_size(path, ec) != shard["bytes"].get<uintmax_t>() || ec) return "";
    }
  }
  return manifest["version"];
}

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// Starts `gleaner args...` and SIGKILLs it as soon as `reached(its pid)` holds
// (or lets it finish if it never does); true when it was killed.
bool KillWhen(const std::vector<std::string>& args, const std::function<bool(pid_t)>& reached) {
  ChildProcess child;
  std::vector<std::string> argv = {GLEANER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  child.Start(argv);
  bool killed = false;
  for (;;) {
    if (reached(child.pid())) {
      child.Kill(SIGKILL);
      killed = true;
      break;
    }
    siginfo_t exited{};
    if (waitid(P_PID, child.pid(), &exited, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        exited.si_pid != 0) {
      break;  // it finished first; Wait() reaps it
    }
    std::this_thread::yield();
  }
  const ProcessResult result = child.Wait();
  INFO(result.err);
  CHECK((killed ? result.signal == SIGKILL : result.exit_code == 0));
  return killed;
}

TEST_CASE("prepare killed at each step of its publish leaves OUT whole, the next run cleans up") {
  Store store(kRecords);
  const std::string out = store.tmp() / "out";
  REQUIRE(store.Prepare(out, "jsonl").exit_code == 0);
  const std::string jsonl = WholeDatasetVersion(out);
  REQUIRE(store.Prepare(out, "csv").exit_code == 0);
  const std::string csv = WholeDatasetVersion(out);
  REQUIRE(!jsonl.empty());
  REQUIRE(!csv.empty());
  REQUIRE(jsonl != csv);

  // Each kill is made while the other format's dataset is at OUT.
  const auto temp_dir = [&](pid_t writer) { return out + ".tmp-" + std::to_string(writer); };
  // `reached` is given the version at OUT when the run started and the writer's PID.
  struct Step {
    const char* what;
    std::function<bool(const std::string&, pid_t)> reached;
  };
  const std::vector<Step> steps = {
      {"while the new dataset is written",
       [&](const std::string&, pid_t writer) { return fs::exists(temp_dir(writer)); }},
      {"with a whole dataset in the temporary directory (just before or after the swap)",
       [&](const std::string&, pid_t writer) {
         return fs::exists(temp_dir(writer) + "/manifest.json");
       }},
      {"right after the swap, while the old dataset is removed",
       [&](const std::string& before, pid_t) {
         std::error_code ec;
         if (!fs::exists(out + "/manifest.json", ec)) return false;
         return ReadJsonFile(out + "/manifest.json").value("version", before) != before;
       }},
  };
  const std::set<std::string> clean = {"store", "rules.yaml", "out"};
  std::string format = "jsonl";
  // Each run removes what the kills before it left, so debris is only ever seen right
  // after a kill. A kill while the new dataset is written always leaves some; a kill
  // after the swap leaves some only if the old dataset was not yet removed.
  bool left_debris = false;
  for (const Step& step : steps) {
    INFO("killed " << step.what);
    // A run that ends before the poll sees the step is simply done again.
    bool killed = false;
    for (int attempt = 0; attempt < 10 && !killed; ++attempt) {
      const std::string before = WholeDatasetVersion(out);
      killed = KillWhen(store.PrepareArgs(out, format),
                        [&](pid_t writer) { return step.reached(before, writer); });
      const std::string version = WholeDatasetVersion(out);
      CHECK((version == jsonl || version == csv));
      format = version == jsonl ? "csv" : "jsonl";
      if (killed && Entries(store.tmp().path()) != clean) left_debris = true;
    }
    CHECK(killed);
  }
  CHECK(left_debris);

  const ProcessResult last = store.Prepare(out, format);
  INFO(last.err);
  REQUIRE(last.exit_code == 0);
  CHECK(WholeDatasetVersion(out) == (format == "jsonl" ? jsonl : csv));
  CHECK(Entries(store.tmp().path()) == clean);
}

TEST_CASE("a dataset stranded in OUT.old-PID is put back even when the next prepare fails") {
  Store store(kFewRecords);
  const std::string out = store.tmp() / "out";
  REQUIRE(store.Prepare(out, "jsonl").exit_code == 0);
  const auto before = Snapshot(out);
  // As a gleaner that moved OUT aside before renaming the new one in leaves it when killed
  // between the two renames: no OUT, the old dataset under a dead writer's name.
  fs::rename(out, out + ".old-" + std::to_string(GonePid()));

  std::vector<std::string> unknown_job = store.PrepareArgs(out, "csv");
  unknown_job[2] = "nope";
  const ProcessResult failed = Gleaner(unknown_job);
  CHECK(failed.exit_code == 2);
  CHECK(failed.err.find("nope") != std::string::npos);
  CHECK(Snapshot(out) == before);
  CHECK(Entries(store.tmp().path()) == std::set<std::string>{"store", "rules.yaml", "out"});
}

TEST_CASE("an --out among the store's own files is refused with exit 2 and the store still opens") {
  Store store(kFewRecords);
  const std::string data = store.store();
  const auto before = Snapshot(data);
  for (const std::string& out :
       {data, data + "/000072.sst", data + "/CURRENT", data + "/LOCK", data + "/MANIFEST-000001",
        data + "/archive", data + "/datasets", store.tmp().path()}) {
    INFO(out);
    const ProcessResult refused = store.Prepare(out, "jsonl");
    INFO(refused.err);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find(out) != std::string::npos);
  }
  CHECK(Snapshot(data) == before);
  // Below its datasets/ directory a dataset is welcome: RocksDB never names a file so.
  const ProcessResult inside = store.Prepare(data + "/datasets/shop", "jsonl");
  INFO(inside.err);
  CHECK(inside.exit_code == 0);
  const ProcessResult count = Gleaner({"stage", "count", "shop", "--data", data});
  INFO(count.err);
  CHECK(count.exit_code == 0);
  CHECK(count.out.find(std::to_string(kFewRecords)) != std::string::npos);
}

}  // namespace
}  // namespace gleaner::testing
