// LoadDemoJob: configs/jobs/demo.yaml (or another job file with `{{site}}`
// placeholders) pointed at `base_url`, set up as the crawl benchmarks measure
// it: robots on, no delay, `connections` requests at once on the one host.
#pragma once

#include <string>

#include "common/status.h"
#include "crawler/job/job_config.h"

namespace gleaner::bench {

Status LoadDemoJob(const std::string& job_path, const std::string& base_url, int connections,
                   crawler::JobConfig* job);

}  // namespace gleaner::bench
