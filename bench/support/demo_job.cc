#include "bench/support/demo_job.h"

#include <fstream>
#include <iterator>

#include "crawler/job/job_parser.h"

namespace gleaner::bench {

Status LoadDemoJob(const std::string& job_path, const std::string& base_url, int connections,
                   crawler::JobConfig* job) {
  std::ifstream in(job_path);
  if (!in) return Status::IOError("cannot read " + job_path);
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string placeholder = "{{site}}";
  for (size_t at = yaml.find(placeholder); at != std::string::npos;
       at = yaml.find(placeholder, at + base_url.size())) {
    yaml.replace(at, placeholder.size(), base_url);
  }
  GLEANER_RETURN_IF_ERROR(crawler::ParseJobYaml(yaml, job_path, job));
  job->politeness.robots = true;
  job->politeness.delay_ms = 0;
  job->politeness.concurrency = connections;
  job->politeness.per_host = connections;
  return Status::OK();
}

}  // namespace gleaner::bench
