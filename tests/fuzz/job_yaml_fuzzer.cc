// The job YAML parser. Input: a job file. Property: it is accepted, or
// refused with InvalidArgument "fuzz.yaml:LINE:COL: ..." as job_parser.h
// promises; never a crash, a hang or unbounded memory.
#include "crawler/job/job_parser.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gleaner::crawler::JobConfig job;
  gleaner::fuzz::CheckYamlParse(gleaner::crawler::ParseJobYaml(gleaner::fuzz::AsText(data, size),
                                                               gleaner::fuzz::kYamlName, &job));
  return 0;
}
