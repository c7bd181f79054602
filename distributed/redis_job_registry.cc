#include "distributed/redis_job_registry.h"

#include <algorithm>
#include <map>

namespace gleaner::distributed {

namespace {

const char* kJobs = "gleaner:{board}:jobs";
const char* kActive = "gleaner:{board}:active";
const char* kWorkers = "gleaner:{board}:workers";

// Connecting and each round trip.
constexpr int64_t kTimeoutMicros = 5000000;

}  // namespace

Status RedisJobRegistry::Open(std::string_view url, std::unique_ptr<RedisJobRegistry>* out) {
  std::unique_ptr<RedisClient> client;
  GLEANER_RETURN_IF_ERROR(RedisClient::Connect(url, kTimeoutMicros, {}, &client));
  out->reset(new RedisJobRegistry(std::move(client)));
  return Status::OK();
}

Status RedisJobRegistry::Run(const std::vector<std::vector<std::string>>& commands,
                             std::vector<RedisReply>* replies) {
  std::vector<RedisCommand> batch;
  for (const auto& args : commands) batch.push_back({-1, args});
  GLEANER_RETURN_IF_ERROR(client_->Run(batch, replies));
  for (size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i].is_error()) {
      return Status::IOError("redis " + commands[i][0] + ": " + (*replies)[i].str);
    }
  }
  return Status::OK();
}

Status RedisJobRegistry::Publish(const std::string& name, const std::string& yaml,
                                 int64_t now_micros) {
  std::vector<RedisReply> replies;
  return Run({{"MULTI"},
              {"HSET", kJobs, name, yaml},
              {"ZADD", kActive, std::to_string(now_micros), name},
              {"EXEC"}},
             &replies);
}

Status RedisJobRegistry::Suspend(const std::string& name) {
  std::vector<RedisReply> replies;
  return Run({{"ZREM", kActive, name}}, &replies);
}

Status RedisJobRegistry::Retire(const std::string& name) {
  std::vector<RedisReply> replies;
  return Run({{"MULTI"}, {"ZREM", kActive, name}, {"HDEL", kJobs, name}, {"EXEC"}}, &replies);
}

Status RedisJobRegistry::List(std::vector<Job>* out) {
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(
      Run({{"MULTI"}, {"ZRANGE", kActive, "0", "-1"}, {"HGETALL", kJobs}, {"EXEC"}}, &replies));
  const auto& results = replies[3].elements;
  if (results.size() != 2) return Status::IOError("redis: the job list was not read");
  std::map<std::string, std::string> yaml;
  const auto& pairs = results[1].elements;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) yaml[pairs[i].str] = pairs[i + 1].str;
  out->clear();
  for (const auto& name : results[0].elements) {
    auto it = yaml.find(name.str);
    if (it == yaml.end()) continue;
    out->push_back({it->first, std::move(it->second), true});
    yaml.erase(it);
  }
  for (auto& [name, text] : yaml) out->push_back({name, std::move(text), false});
  return Status::OK();
}

Status RedisJobRegistry::IsActive(const std::string& name, bool* active) {
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({{"ZSCORE", kActive, name}}, &replies));
  *active = replies[0].type != RedisReply::Type::kNil;
  return Status::OK();
}

Status RedisJobRegistry::Report(const v1::WorkerStats& stats) {
  std::vector<RedisReply> replies;
  return Run({{"HSET", kWorkers, stats.id(), stats.SerializeAsString()}}, &replies);
}

Status RedisJobRegistry::Workers(int64_t now_micros, int64_t max_age_micros,
                                 std::vector<v1::WorkerStats>* out) {
  std::vector<RedisReply> replies;
  GLEANER_RETURN_IF_ERROR(Run({{"HGETALL", kWorkers}}, &replies));
  std::vector<std::string> gone = {"HDEL", kWorkers};
  out->clear();
  const auto& pairs = replies[0].elements;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
    v1::WorkerStats stats;
    if (stats.ParseFromString(pairs[i + 1].str) &&
        stats.last_seen_micros() >= now_micros - max_age_micros) {
      out->push_back(std::move(stats));
    } else {
      gone.push_back(pairs[i].str);
    }
  }
  std::sort(out->begin(), out->end(),
            [](const v1::WorkerStats& a, const v1::WorkerStats& b) { return a.id() < b.id(); });
  if (gone.size() == 2) return Status::OK();
  return Run({gone}, &replies);
}

}  // namespace gleaner::distributed
