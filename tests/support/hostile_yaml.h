// YAML texts that once made Gleaner loop, abort or answer slowly (issue #16),
// each with the refusal it must now give, shared by the tests that feed them to
// `gleaner rules check`, `gleaner crawl` and the server. BoundedCommand runs a
// command under address-space and CPU limits, so that a regression ends as a
// failed test instead of eating the machine. Plain functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace gleaner::testing {

struct HostileYaml {
  std::string fault;  // what the text models
  std::string text;
  int line;  // where the refusal points
  int column;
  std::string message;  // what follows "NAME:LINE:COL: "
};

std::vector<HostileYaml> HostileYamlTexts();

// `argv` run under prlimit: at most 1 GiB of address space and 3 s of CPU
// (10 s of CPU and no address-space limit in a sanitizer build).
std::vector<std::string> BoundedCommand(std::vector<std::string> argv);

}  // namespace gleaner::testing
