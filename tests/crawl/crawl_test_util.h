// Helpers for crawl integration tests: write a job file for a running
// fixture site, run the real `gleaner` binary on it, and read back what it
// stored through `gleaner stage` (so the test sees what a user sees).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {

// The fixture's product fields, as configs/jobs/demo.yaml extracts them.
extern const char* kProductRecordsYaml;

// Job `name` of three json sources on the fixture at `base_url`: two good
// /api/items pages (20 records each) around /fault/deep-json.
std::string DeepJsonJobYaml(const std::string& name, const std::string& base_url);

// Writes `yaml` to dir/name and returns the path.
std::string WriteJob(const TempDir& dir, const std::string& name, const std::string& yaml);

ProcessResult Gleaner(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {});

// `gleaner crawl JOB --data DATA`; throws with its output unless it exits 0.
void Crawl(const std::string& job, const std::string& data_dir);

// Crash resume: runs `gleaner crawl JOB --data DATA` until one run finishes,
// killing attempts with SIGKILL at a random moment 20 to `max_delay_ms` ms
// after their start (drawn from `seed`) until `kills` kills have hit (an
// attempt that ended first is not one, nor a kill after its run had ended,
// as the store tells). Returns the kills that hit; throws
// with its output when an attempt fails, or when 12 attempts finish nothing.
int CrawlWithKills(const std::string& job, const std::string& data_dir, int kills,
                   int max_delay_ms, uint32_t seed);
// The same, each kill coming once `served()` (the site's count of answered
// requests) has grown by 1 to `max_requests` (drawn from `seed`) since its
// attempt started: mid-run however fast the machine, where a delay drawn in
// ms could outlast a short run on an idle machine and hit nothing.
int CrawlWithKillsAfterRequests(const std::string& job, const std::string& data_dir, int kills,
                                const std::function<size_t()>& served, int max_requests,
                                uint32_t seed);

// `gleaner stage dump JOB --format jsonl` parsed, one object per record.
std::vector<nlohmann::json> DumpRecords(const std::string& data_dir, const std::string& job);
// `gleaner stage errors JOB --json` parsed.
nlohmann::json StageErrors(const std::string& data_dir, const std::string& job);
// `gleaner stage runs JOB --json` parsed: the job's runs, first run first.
nlohmann::json StageRuns(const std::string& data_dir, const std::string& job);
// `gleaner stage get JOB URL --json` parsed: the URL's state and records.
nlohmann::json StageGet(const std::string& data_dir, const std::string& job,
                        const std::string& url);
// `gleaner stage jobs --json`, the entry of `job`.
nlohmann::json StageJob(const std::string& data_dir, const std::string& job);

// Records keyed by source URL with their content (a JSON text), fetch times
// left out: what two crawls of the same site must agree on.
std::multimap<std::string, std::string> Contents(const std::vector<nlohmann::json>& records);

// The path (and query) of an absolute http URL.
std::string PathOf(const std::string& url);

}  // namespace gleaner::testing
