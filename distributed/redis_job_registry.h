// RedisJobRegistry: the jobs of a multi-machine crawl and the heartbeats of
// its workers, kept in Redis for `gleaner serve --redis` (which publishes,
// suspends and retires jobs) and `gleaner worker` (which crawls the active
// ones, oldest first, and reports itself). The jobs' frontiers are
// RedisFrontiers of the same server, namespaced by job name. Keys, all in one
// Redis Cluster slot and apart from every frontier key (which start "gl:"):
//   gleaner:{board}:jobs     hash  job name -> job YAML (active and paused jobs)
//   gleaner:{board}:active   zset  job name -> time published (paused jobs are absent)
//   gleaner:{board}:workers  hash  worker id -> serialized v1.WorkerStats
// Not thread-safe: one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/redis_client.h"
#include "common/status.h"
#include "schema/gleaner_service.pb.h"

namespace gleaner::distributed {

class RedisJobRegistry {
 public:
  struct Job {
    std::string name;
    std::string yaml;
    bool active = false;  // false: paused
  };

  // IOError when Redis cannot be reached, InvalidArgument for a bad URL.
  static Status Open(std::string_view url, std::unique_ptr<RedisJobRegistry>* out);

  // Makes `name` active (again), atomically with its YAML.
  Status Publish(const std::string& name, const std::string& yaml, int64_t now_micros);
  // Keeps the job but takes it off the active list: workers stop crawling it.
  Status Suspend(const std::string& name);
  // Forgets the job (its frontier stays, so publishing it again resumes it).
  Status Retire(const std::string& name);
  // Every job: the active ones oldest first, then the paused ones by name.
  Status List(std::vector<Job>* out);
  Status IsActive(const std::string& name, bool* active);

  // Records a worker's heartbeat under stats.id().
  Status Report(const v1::WorkerStats& stats);
  // The workers that reported within `max_age_micros` of `now_micros`, by id;
  // forgets the others.
  Status Workers(int64_t now_micros, int64_t max_age_micros, std::vector<v1::WorkerStats>* out);

 private:
  explicit RedisJobRegistry(std::unique_ptr<RedisClient> client) : client_(std::move(client)) {}
  // Runs `commands` in one round trip; a refused command is an IOError.
  Status Run(const std::vector<std::vector<std::string>>& commands,
             std::vector<RedisReply>* replies);

  std::unique_ptr<RedisClient> client_;
};

}  // namespace gleaner::distributed
