#include "tests/support/hostile_yaml.h"

namespace gleaner::testing {

namespace {

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// Ten aliases of ten aliases ... of a ten-item list: 10^10 items once expanded.
std::string BillionLaughs() {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string alias = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + alias +
            Repeat(", " + alias, 9) + "]\n";
  }
  return text;
}

}  // namespace

std::vector<HostileYaml> HostileYamlTexts() {
  const std::string nesting = "nesting deeper than 100 levels";
  return {
      {"a one-byte ',' (YAML::LoadAll looped on it, allocating until it aborted)", ",", 1, 1,
       "invalid YAML: unexpected ','"},
      {"a ',' after '---'", "---\n,", 2, 1, "invalid YAML: unexpected ','"},
      {"10,000 nested flow lists", Repeat("[", 10000) + Repeat("]", 10000), 1, 101, nesting},
      {"10,000 nested flow maps", Repeat("{a: ", 10000) + Repeat("}", 10000), 1, 401, nesting},
      {"10,000 nested block lists", Repeat("- ", 10000) + "x\n", 1, 201, nesting},
      {"aliases that expand ten-billion-fold", BillionLaughs(), 6, 25,
       "aliases expand the document by more than 1048576 bytes"},
      {"an alias inside the value it names", "a: &a [*a]\n", 1, 8,
       "an alias inside the value it refers to"},
      {"text one byte over the 1 MiB limit", std::string((1 << 20) + 1, '#'), 1, 1,
       "longer than 1048576 bytes, the limit for a YAML document"},
  };
}

std::vector<std::string> BoundedCommand(std::vector<std::string> argv) {
#ifdef GLEANER_SANITIZED
  // AddressSanitizer reserves terabytes of shadow address space before main,
  // so an address-space limit stops it at start; the release suite bounds
  // memory, this one only time (with room for the sanitizers' slowdown).
  argv.insert(argv.begin(), {"/usr/bin/prlimit", "--cpu=10", "--"});
#else
  argv.insert(argv.begin(), {"/usr/bin/prlimit", "--as=1073741824", "--cpu=3", "--"});
#endif
  return argv;
}

}  // namespace gleaner::testing
