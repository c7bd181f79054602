// robots.txt parsing: any body parses, the rules answer any path, and the
// cache encoding round-trips. Input: a path to ask about, a newline, the body.
#include <string>

#include "crawler/robots/robots_rules.h"
#include "tests/fuzz/fuzz_support.h"

using gleaner::crawler::RobotsRules;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [path, body] = gleaner::fuzz::SplitFirstLine(gleaner::fuzz::AsText(data, size));
  RobotsRules rules = RobotsRules::Parse(body, "gleaner/0.1 (+https://github.com/gleaner)");
  bool allowed = rules.IsAllowed(path);
  FUZZ_CHECK(rules.IsAllowed("/robots.txt"), "/robots.txt must always be allowed");

  std::string encoded = rules.Serialize();
  RobotsRules decoded;
  gleaner::Status s = RobotsRules::Deserialize(encoded, &decoded);
  FUZZ_CHECK(s.ok(), "Deserialize(Serialize()) failed: %s", s.ToString().c_str());
  FUZZ_CHECK(decoded.Serialize() == encoded, "the cache encoding does not round-trip");
  FUZZ_CHECK(decoded.IsAllowed(path) == allowed, "decoded rules answer differently");
  FUZZ_CHECK(decoded.sitemaps() == rules.sitemaps(), "decoded sitemaps differ");
  return 0;
}
