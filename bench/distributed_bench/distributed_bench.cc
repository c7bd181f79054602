// distributed_bench: a multi-machine crawl played on one machine. Starts a
// throwaway redis-server and the fixture site (a gleaner-fixture child), then
// for each worker count (1, 2, 4) a fresh `gleaner serve` and that many
// `gleaner worker` processes crawling a fresh job of configs/jobs/demo.yaml,
// and reports pages/s, the workers' CPU, and Redis commands and round trips
// per page. Then pushes a million distinct URLs through RedisFrontier::Push
// into a second, empty redis-server to weigh the seen set. Not a test; run by
// hand (see bench/README.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/support/resource_usage.h"
#include "common/redis_client.h"
#include "crawler/frontier/redis_frontier.h"
#include "tests/service/serve_process.h"
#include "tests/support/child_process.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

namespace gleaner::bench {
namespace {

using testing::ChildProcess;
using testing::ProcessResult;
using testing::RedisServer;
using testing::ServeProcess;
using testing::TempDir;

struct Flags {
  int pages = 5000;
  std::vector<int> workers = {1, 2, 4};
  int connections = 16;
  int fixture_threads = 1;
  std::string fixture_binary = GLEANER_FIXTURE_BINARY;
  std::string job_path = GLEANER_DEMO_JOB;
  int frontier_urls = 1000000;
  int frontier_hosts = 32;
  bool skip_crawl = false;
  bool skip_memory = false;
};

// One connection for the benchmark's own questions to a Redis (INFO, SCAN, DEL).
class RedisProbe {
 public:
  Status Open(const std::string& url) { return RedisClient::Connect(url, 60000000, {}, &client_); }

  Status Command(std::vector<std::string> args, RedisReply* reply) {
    std::vector<RedisReply> replies;
    GLEANER_RETURN_IF_ERROR(client_->Run({{-1, std::move(args)}}, &replies));
    *reply = std::move(replies.at(0));
    if (reply->is_error()) return Status::IOError("redis: " + reply->str);
    return Status::OK();
  }

  // "field:value" lines of INFO `sections` as a map.
  Status Info(std::vector<std::string> sections, std::map<std::string, std::string>* out) {
    sections.insert(sections.begin(), "INFO");
    RedisReply reply;
    GLEANER_RETURN_IF_ERROR(Command(std::move(sections), &reply));
    std::istringstream lines(reply.str);
    std::string line;
    out->clear();
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t colon = line.find(':');
      if (colon != std::string::npos) (*out)[line.substr(0, colon)] = line.substr(colon + 1);
    }
    return Status::OK();
  }

  // Deletes every key matching `pattern`; returns how many.
  Status DeleteMatching(const std::string& pattern, uint64_t* deleted) {
    std::string cursor = "0";
    *deleted = 0;
    do {
      RedisReply reply;
      GLEANER_RETURN_IF_ERROR(Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}, &reply));
      cursor = reply.elements.at(0).str;
      std::vector<std::string> del = {"UNLINK"};
      for (const auto& key : reply.elements.at(1).elements) del.push_back(key.str);
      if (del.size() == 1) continue;
      RedisReply n;
      GLEANER_RETURN_IF_ERROR(Command(std::move(del), &n));
      *deleted += n.integer;
    } while (cursor != "0");
    return Status::OK();
  }

 private:
  std::unique_ptr<RedisClient> client_;
};

double InfoNumber(const std::map<std::string, std::string>& info, const std::string& field) {
  auto it = info.find(field);
  return it == info.end() ? 0 : std::stod(it->second);
}

// The `calls=` of one INFO commandstats line ("calls=12,usec=...").
double CommandCalls(const std::map<std::string, std::string>& info, const std::string& command) {
  auto it = info.find("cmdstat_" + command);
  if (it == info.end()) return 0;
  return std::stod(it->second.substr(it->second.find('=') + 1));
}

double RedisCpu(const std::map<std::string, std::string>& info) {
  return InfoNumber(info, "used_cpu_user") + InfoNumber(info, "used_cpu_sys");
}

// The fixture site in a gleaner-fixture child, so its CPU is not the workers'.
Status StartSite(const Flags& flags, std::unique_ptr<testing::BackgroundProcess>* site,
                 std::string* base_url) {
  *site = std::make_unique<testing::BackgroundProcess>(
      std::vector<std::string>{flags.fixture_binary, "--pages", std::to_string(flags.pages),
                               "--page-size", "realistic",
                               "--threads", std::to_string(flags.fixture_threads)});
  std::optional<std::string> line = (*site)->ReadLine();
  const std::string prefix = "listening ";
  if (!line || line->rfind(prefix, 0) != 0) {
    return Status::IOError("no listening line from " + flags.fixture_binary);
  }
  *base_url = line->substr(prefix.size());
  return Status::OK();
}

// configs/jobs/demo.yaml on `base_url` under the name `name`, robots on, no
// delay, `connections` requests per worker and on the host job-wide.
Status WriteJob(const Flags& flags, const std::string& base_url, const std::string& name,
                const std::string& path) {
  std::ifstream in(flags.job_path);
  if (!in) return Status::IOError("cannot read " + flags.job_path);
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("name:", 0) == 0) {
      line = "name: " + name;
    } else if (line.rfind("politeness:", 0) == 0) {
      line = "politeness: {concurrency: " + std::to_string(flags.connections) +
             ", per_host: " + std::to_string(flags.connections) +
             ", delay_ms: 0, robots: true, user_agent: \"gleaner-bench/0.1\"}";
    }
    for (size_t at = line.find("{{site}}"); at != std::string::npos; at = line.find("{{site}}")) {
      line.replace(at, 8, base_url);
    }
    out << line << '\n';
  }
  testing::WriteFile(path, out.str());
  return Status::OK();
}

// The number before `word` in `text` ("... 5350 pages (..." -> 5350), summed
// over every line that starts with `line_prefix`.
uint64_t SumBefore(const std::string& text, const std::string& line_prefix,
                   const std::string& word) {
  uint64_t sum = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(line_prefix, 0) != 0) continue;
    size_t at = line.find(" " + word);
    if (at == std::string::npos) continue;
    size_t start = line.rfind(' ', at - 1);
    sum += std::stoull(line.substr(start + 1, at - start - 1));
  }
  return sum;
}

struct Round {
  int workers = 0;
  uint64_t pages = 0;
  uint64_t records = 0;
  uint64_t round_trips = 0;
  double seconds = 0;
  double worker_cpu = 0;
  double server_cpu = 0;
  double redis_cpu = 0;
  double commands = 0;  // total_commands_processed: scripts' own calls included
  double evalsha = 0;   // what the workers sent as scripts
};

Status RunRound(const Flags& flags, const RedisServer& redis, const std::string& base_url,
                int workers, Round* round) {
  TempDir dir;
  std::string name = "dbench_" + std::to_string(workers) + "w";
  std::string job = dir / "job.yaml";
  GLEANER_RETURN_IF_ERROR(WriteJob(flags, base_url, name, job));
  RedisProbe probe;
  GLEANER_RETURN_IF_ERROR(probe.Open(redis.url()));
  ServeProcess server(dir, dir / "data", {});

  std::map<std::string, std::string> before, after;
  GLEANER_RETURN_IF_ERROR(probe.Info({"stats", "cpu", "commandstats"}, &before));
  double children_cpu = CpuSeconds(RUSAGE_CHILDREN);
  Clock::time_point start = Clock::now();
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int i = 0; i < workers; ++i) {
    children.push_back(std::make_unique<ChildProcess>());
    children.back()->Start({GLEANER_BINARY, "worker", "--redis", redis.url(), "--ingest",
                            server.address(), "--job", job});
  }
  Status status = Status::OK();
  for (auto& child : children) {
    ProcessResult r = child->Wait();
    if (r.exit_code != 0) {
      status =
          Status::Aborted("a worker exited with " + std::to_string(r.exit_code) + ": " + r.err);
    }
    round->pages += SumBefore(r.out, "finished job", "pages");
    round->records += SumBefore(r.out, "  ingest:", "records stored");
    round->round_trips += SumBefore(r.out, "  redis:", "round trips");
  }
  round->seconds = SecondsSince(start);
  // Only the workers were reaped since the first reading.
  round->worker_cpu = CpuSeconds(RUSAGE_CHILDREN) - children_cpu;
  GLEANER_RETURN_IF_ERROR(probe.Info({"stats", "cpu", "commandstats"}, &after));
  double server_before = CpuSeconds(RUSAGE_CHILDREN);
  server.Terminate();
  round->server_cpu = CpuSeconds(RUSAGE_CHILDREN) - server_before;
  round->workers = workers;
  round->redis_cpu = RedisCpu(after) - RedisCpu(before);
  // Less the INFO that took the first reading.
  round->commands = InfoNumber(after, "total_commands_processed") -
                    InfoNumber(before, "total_commands_processed") - 1;
  round->evalsha = CommandCalls(after, "evalsha") - CommandCalls(before, "evalsha");
  return status;
}

struct MemoryResult {
  uint64_t added = 0;
  double seconds = 0;
  double used_before = 0;
  double used_pushed = 0;  // seen set + queues
  double used_seen = 0;    // after the queues were deleted
  uint64_t queue_keys = 0;
  uint64_t seen_keys = 0;
};

// Pushes flags.frontier_urls distinct URLs over flags.frontier_hosts hosts
// (typical lengths, BFS depths, as crawl_bench's frontier phase) into an
// empty Redis, then deletes the queues, which is what draining them leaves.
Status RunMemory(const Flags& flags, MemoryResult* result) {
  RedisServer redis;
  RedisProbe probe;
  GLEANER_RETURN_IF_ERROR(probe.Open(redis.url()));
  crawler::RedisFrontier::Options options;
  options.url = redis.url();
  options.job = "mem";
  options.timeout_micros = 60000000;
  std::unique_ptr<crawler::RedisFrontier> frontier;
  GLEANER_RETURN_IF_ERROR(crawler::RedisFrontier::Open(options, &frontier));
  std::map<std::string, std::string> info;
  GLEANER_RETURN_IF_ERROR(probe.Info({"memory"}, &info));
  result->used_before = InfoNumber(info, "used_memory");

  constexpr int kBatch = 10000;
  Clock::time_point start = Clock::now();
  std::vector<v1::FrontierItem> items;
  for (int i = 0; i < flags.frontier_urls;) {
    items.clear();
    for (int end = std::min(flags.frontier_urls, i + kBatch); i < end; ++i) {
      std::string host = "http://shop-" + std::to_string(i % flags.frontier_hosts) + ".example";
      v1::FrontierItem& item = items.emplace_back();
      item.set_url(host + "/catalogue/product-" + std::to_string(i) + "/index.html");
      item.set_host_key(host + ":80");
      item.set_depth(1 + i % 6);
    }
    size_t added = 0;
    GLEANER_RETURN_IF_ERROR(frontier->Push(items, &added));
    result->added += added;
  }
  result->seconds = SecondsSince(start);
  // Sends the index updates the last Push deferred.
  frontier->Stats();
  GLEANER_RETURN_IF_ERROR(probe.Info({"memory"}, &info));
  result->used_pushed = InfoNumber(info, "used_memory");
  GLEANER_RETURN_IF_ERROR(probe.DeleteMatching("gl:mem:*:q", &result->queue_keys));
  RedisReply reply;
  // UNLINK frees in the background; wait until Redis has.
  for (int i = 0; i < 600; ++i) {
    GLEANER_RETURN_IF_ERROR(probe.Info({"memory"}, &info));
    if (InfoNumber(info, "lazyfree_pending_objects") == 0) break;
    usleep(100000);
  }
  result->used_seen = InfoNumber(info, "used_memory");
  GLEANER_RETURN_IF_ERROR(probe.Command({"DBSIZE"}, &reply));
  result->seen_keys = reply.integer;
  return Status::OK();
}

Status Run(const Flags& flags) {
  std::vector<Round> rounds;
  if (!flags.skip_crawl) {
    RedisServer redis;
    std::unique_ptr<testing::BackgroundProcess> site;
    std::string base_url;
    GLEANER_RETURN_IF_ERROR(StartSite(flags, &site, &base_url));
    std::printf("distributed_bench: %d products at %s, %d connections per worker and per host\n",
                flags.pages, base_url.c_str(), flags.connections);
    for (int workers : flags.workers) {
      Round& r = rounds.emplace_back();
      GLEANER_RETURN_IF_ERROR(RunRound(flags, redis, base_url, workers, &r));
      std::printf(
          "%d worker%s: %llu pages, %llu records in %.2f s = %.0f pages/s; CPU: workers %.2f s "
          "(%.3f ms/page), server %.2f s, redis %.2f s; redis: %.2f commands/page (%.2f "
          "EVALSHA), %.2f round trips/page\n",
          workers, workers == 1 ? "" : "s", static_cast<unsigned long long>(r.pages),
          static_cast<unsigned long long>(r.records), r.seconds, r.pages / r.seconds, r.worker_cpu,
          1e3 * r.worker_cpu / r.pages, r.server_cpu, r.redis_cpu, r.commands / r.pages,
          r.evalsha / r.pages, double(r.round_trips) / r.pages);
      std::fflush(stdout);
    }
  }
  MemoryResult memory;
  if (!flags.skip_memory) {
    GLEANER_RETURN_IF_ERROR(RunMemory(flags, &memory));
    std::printf(
        "\nseen set: %llu URLs over %d hosts pushed in %.1f s; used_memory %.1f -> %.1f MiB "
        "(queued), %.1f MiB after deleting %llu queues (%llu keys left)\n",
        static_cast<unsigned long long>(memory.added), flags.frontier_hosts, memory.seconds,
        memory.used_before / 1048576, memory.used_pushed / 1048576, memory.used_seen / 1048576,
        static_cast<unsigned long long>(memory.queue_keys),
        static_cast<unsigned long long>(memory.seen_keys));
  }

  std::printf("\n| measure | value | goal |\n| --- | --- | --- |\n");
  for (const Round& r : rounds) {
    std::printf("| %d worker%s: pages/s | %.0f (%llu pages, %.1f s) | |\n", r.workers,
                r.workers == 1 ? "" : "s", r.pages / r.seconds,
                static_cast<unsigned long long>(r.pages), r.seconds);
    std::printf("| %d worker%s: worker CPU ms/page | %.3f | |\n", r.workers,
                r.workers == 1 ? "" : "s", 1e3 * r.worker_cpu / r.pages);
    std::printf("| %d worker%s: Redis commands/page | %.2f (%.2f EVALSHA) | |\n", r.workers,
                r.workers == 1 ? "" : "s", r.commands / r.pages, r.evalsha / r.pages);
    std::printf("| %d worker%s: Redis round trips/page | %.2f | <= 3 |\n", r.workers,
                r.workers == 1 ? "" : "s", double(r.round_trips) / r.pages);
  }
  if (!flags.skip_memory) {
    std::printf("| Redis bytes per seen URL | %.1f | <= 16 |\n",
                (memory.used_seen - memory.used_before) / memory.added);
    std::printf("| Redis bytes per queued URL (queue only) | %.1f | |\n",
                (memory.used_pushed - memory.used_seen) / memory.added);
  }
  return Status::OK();
}

}  // namespace
}  // namespace gleaner::bench

int main(int argc, char** argv) {
  gleaner::bench::Flags flags;
  CLI::App app{"Workers on a shared Redis frontier: crawl rate, Redis load, Redis memory"};
  app.add_option("--pages", flags.pages, "fixture products")->check(CLI::Range(1, 10000000));
  app.add_option("--workers", flags.workers, "worker counts, one round each")
      ->check(CLI::Range(1, 64));
  app.add_option("--connections", flags.connections,
                 "requests in flight per worker, and the host's job-wide limit")
      ->check(CLI::Range(1, 1024));
  app.add_option("--fixture-threads", flags.fixture_threads, "site serving threads")
      ->check(CLI::Range(1, 64));
  app.add_option("--fixture-binary", flags.fixture_binary, "the gleaner-fixture to run");
  app.add_option("--job", flags.job_path, "job spec; {{site}} becomes the site's base URL");
  app.add_option("--frontier-urls", flags.frontier_urls, "URLs pushed in the memory phase")
      ->check(CLI::Range(1, 100000000));
  app.add_option("--frontier-hosts", flags.frontier_hosts, "hosts they spread over")
      ->check(CLI::Range(1, 100000));
  app.add_flag("--skip-crawl", flags.skip_crawl);
  app.add_flag("--skip-memory", flags.skip_memory);
  CLI11_PARSE(app, argc, argv);
  try {
    gleaner::Status status = gleaner::bench::Run(flags);
    if (!status.ok()) {
      std::fprintf(stderr, "distributed_bench: %s\n", status.ToString().c_str());
      return 1;
    }
  } catch (const std::exception& e) {  // the test helpers throw when a server does not start
    std::fprintf(stderr, "distributed_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
