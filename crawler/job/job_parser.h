// ParseJobFile / ParseJobYaml: read a crawl job (configs/jobs/*.yaml, shape in
// shared/PRODUCT.md) into a JobConfig. `*out` is written only on success; on
// failure the Status is InvalidArgument "FILE:LINE:COL: PATH: expected ..., got
// ..." for the first problem found (IOError if the file cannot be read).
// Stateless and thread-safe. Selector and JSONPath syntax is not checked here.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "crawler/job/job_config.h"

namespace gleaner::crawler {

Status ParseJobFile(const std::string& path, JobConfig* out);

// `display_name` names the file in errors and is the path that a relative
// `prepare.rules` is resolved against (its directory).
Status ParseJobYaml(std::string_view yaml, const std::string& display_name, JobConfig* out);

// InvalidArgument naming what `gleaner worker` processes (serve --redis,
// worker --job) cannot crawl as the job asks; OK otherwise.
Status CheckWorkerCrawlable(const JobConfig& job);

}  // namespace gleaner::crawler
