// The rules YAML parser. Input: a rules file. Property: it is accepted, or
// refused with InvalidArgument "fuzz.yaml:LINE:COL: ..." as rules_parser.h
// promises; never a crash, a hang or unbounded memory.
#include "ingest/rules/rules_parser.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gleaner::rules::RulesConfig config;
  gleaner::fuzz::CheckYamlParse(gleaner::rules::ParseRulesYaml(gleaner::fuzz::AsText(data, size),
                                                               gleaner::fuzz::kYamlName, &config));
  return 0;
}
