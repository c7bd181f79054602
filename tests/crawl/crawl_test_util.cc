#include "tests/crawl/crawl_test_util.h"

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace gleaner::testing {

const char* kProductRecordsYaml = R"YAML(
    records:
      when: "article.product_page"
      fields:
        title:    {css: "h1", text: true}
        price:    {css: ".price_color", text: true}
        rating:   {css: "p.star-rating", attr: class, regex: "star-rating (\\w+)"}
        upc:      {css: "table tr:nth-child(1) td", text: true}
        category: {css: "ul.breadcrumb li.category", text: true}
)YAML";

std::string DeepJsonJobYaml(const std::string& name, const std::string& base_url) {
  std::string yaml = "name: " + name + "\nsources:\n";
  for (const char* path : {"/api/items?page=1", "/fault/deep-json", "/api/items?page=2"}) {
    yaml += "  - kind: json\n    url: \"" + base_url + path + "\"\n    records: \"$.items[*]\"\n";
  }
  return yaml + "politeness: {delay_ms: 0}\n";
}

std::string WriteJob(const TempDir& dir, const std::string& name, const std::string& yaml) {
  std::string path = dir / name;
  WriteFile(path, yaml);
  return path;
}

ProcessResult Gleaner(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {GLEANER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, env);
}

std::vector<nlohmann::json> DumpRecords(const std::string& data_dir, const std::string& job) {
  ProcessResult r = Gleaner({"stage", "dump", job, "--format", "jsonl", "--data", data_dir});
  if (r.exit_code != 0) throw std::runtime_error("stage dump failed: " + r.err);
  std::vector<nlohmann::json> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

nlohmann::json StageErrors(const std::string& data_dir, const std::string& job) {
  ProcessResult r = Gleaner({"stage", "errors", job, "--json", "--data", data_dir});
  if (r.exit_code != 0) throw std::runtime_error("stage errors failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

void Crawl(const std::string& job, const std::string& data_dir) {
  ProcessResult r = Gleaner({"crawl", job, "--data", data_dir});
  if (r.exit_code != 0) throw std::runtime_error("crawl failed: " + r.out + r.err);
}

namespace {

// The newest run of the store's job(s): its number and whether it ended (0
// and true for a store with no run yet).
struct NewestRun {
  int64_t number = 0;
  bool ended = true;
};

NewestRun NewestRunIn(const std::string& data_dir) {
  NewestRun newest;
  if (!std::filesystem::exists(data_dir)) return newest;
  ProcessResult r = Gleaner({"stage", "jobs", "--json", "--data", data_dir});
  if (r.exit_code != 0) throw std::runtime_error("stage jobs failed: " + r.err);
  for (const auto& job : nlohmann::json::parse(r.out)) {
    if (!job.contains("run") || job["run"]["run"].get<int64_t>() < newest.number) continue;
    newest.number = job["run"]["run"].get<int64_t>();
    newest.ended = job["run"]["phase"] != "running";
  }
  return newest;
}

}  // namespace

namespace {

// CrawlWithKills with `wait_then_kill(crawl, rng)` choosing each kill's moment.
int CrawlWithKillsAt(const std::string& job, const std::string& data_dir, int kills,
                     uint32_t seed,
                     const std::function<void(ChildProcess&, std::mt19937&)>& wait_then_kill) {
  std::mt19937 rng(seed);
  const NewestRun before = NewestRunIn(data_dir);
  int killed = 0;
  for (int attempt = 0; attempt < 12; ++attempt) {
    ChildProcess crawl;
    crawl.Start({GLEANER_BINARY, "crawl", job, "--data", data_dir});
    if (killed < kills) wait_then_kill(crawl, rng);
    ProcessResult r = crawl.Wait();
    if (r.signal == SIGKILL) {
      // A kill that came once the run had ended (the process was closing its
      // store) interrupted nothing: the run is done, and another attempt
      // would start the next one.
      const NewestRun now = NewestRunIn(data_dir);
      if (now.ended && (now.number != before.number || !before.ended)) return killed;
      ++killed;
      continue;
    }
    if (r.exit_code != 0) throw std::runtime_error("crawl failed: " + r.out + r.err);
    if (r.out.find("finished job") != std::string::npos) return killed;  // the run completed
  }
  throw std::runtime_error("12 crawls of " + job + " finished no run");
}

}  // namespace

int CrawlWithKills(const std::string& job, const std::string& data_dir, int kills,
                   int max_delay_ms, uint32_t seed) {
  return CrawlWithKillsAt(job, data_dir, kills, seed, [&](ChildProcess& crawl, std::mt19937& rng) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(20, max_delay_ms)(rng)));
    crawl.Kill(SIGKILL);
  });
}

int CrawlWithKillsAfterRequests(const std::string& job, const std::string& data_dir, int kills,
                                const std::function<size_t()>& served, int max_requests,
                                uint32_t seed) {
  return CrawlWithKillsAt(job, data_dir, kills, seed, [&](ChildProcess& crawl, std::mt19937& rng) {
    const size_t due = served() + std::uniform_int_distribution<int>(1, max_requests)(rng);
    while (served() < due && !crawl.Exited()) {
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    crawl.Kill(SIGKILL);
  });
}

nlohmann::json StageRuns(const std::string& data_dir, const std::string& job) {
  ProcessResult r = Gleaner({"stage", "runs", job, "--json", "--data", data_dir});
  if (r.exit_code != 0) throw std::runtime_error("stage runs failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

nlohmann::json StageGet(const std::string& data_dir, const std::string& job,
                        const std::string& url) {
  ProcessResult r = Gleaner({"stage", "get", job, url, "--json", "--data", data_dir});
  if (r.exit_code != 0) throw std::runtime_error("stage get failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

nlohmann::json StageJob(const std::string& data_dir, const std::string& job) {
  ProcessResult r = Gleaner({"stage", "jobs", "--json", "--data", data_dir});
  if (r.exit_code != 0) throw std::runtime_error("stage jobs failed: " + r.err);
  for (const auto& j : nlohmann::json::parse(r.out)) {
    if (j["job"] == job) return j;
  }
  throw std::runtime_error("no job " + job + " in stage jobs");
}

std::multimap<std::string, std::string> Contents(const std::vector<nlohmann::json>& records) {
  std::multimap<std::string, std::string> out;
  for (auto r : records) {
    std::string url = r["source_url"];
    r.erase("fetch_time");
    out.emplace(url, r.dump());
  }
  return out;
}

std::string PathOf(const std::string& url) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

}  // namespace gleaner::testing
