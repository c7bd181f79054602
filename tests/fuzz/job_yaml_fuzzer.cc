// The job YAML parser. Input: a job file. Property: it is accepted, or
// refused with InvalidArgument "fuzz.yaml:LINE:COL: ..." as job_parser.h
// promises; never a crash, a hang or unbounded memory.
#include "crawler/job/job_parser.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gleaner::crawler::JobConfig job;
  gleaner::Status s = gleaner::crawler::ParseJobYaml(gleaner::fuzz::AsText(data, size), "fuzz.yaml", &job);
  if (s.ok()) return 0;
  FUZZ_CHECK(s.IsInvalidArgument(), "not InvalidArgument: %s", s.ToString().c_str());
  FUZZ_CHECK(s.message().starts_with("fuzz.yaml:"), "the error does not name file:line:col: %s",
             s.message().c_str());
  return 0;
}
