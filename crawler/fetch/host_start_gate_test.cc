#include "crawler/fetch/host_start_gate.h"

#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

using std::chrono::milliseconds;
using Clock = HostStartGate::Clock;

const Clock::time_point t0 = Clock::time_point(std::chrono::hours(1));

TEST_CASE("a request that slipped past its slot pushes the host's next start back") {
  // The frontier handed out two URLs 200 ms apart, but the first reached the
  // fetcher 160 ms late: the second must still start 200 ms after it.
  HostStartGate gate;
  CHECK(gate.Reserve("http://a", milliseconds(200), t0 + milliseconds(160)) ==
        t0 + milliseconds(160));
  CHECK(gate.Reserve("http://a", milliseconds(200), t0 + milliseconds(200)) ==
        t0 + milliseconds(360));
  // Asked for together, the next ones queue a gap apart.
  CHECK(gate.Reserve("http://a", milliseconds(200), t0 + milliseconds(200)) ==
        t0 + milliseconds(560));
}

TEST_CASE("requests on time start at once, and hosts do not wait for each other") {
  HostStartGate gate;
  CHECK(gate.Reserve("http://a", milliseconds(200), t0) == t0);
  CHECK(gate.Reserve("http://b", milliseconds(200), t0) == t0);
  CHECK(gate.Reserve("http://a", milliseconds(200), t0 + milliseconds(250)) ==
        t0 + milliseconds(250));
  // A gap of zero is no gate.
  CHECK(gate.Reserve("http://c", milliseconds(0), t0) == t0);
  CHECK(gate.Reserve("http://c", milliseconds(0), t0) == t0);
}

TEST_CASE("hosts whose gap ran out are forgotten, so a long crawl's hosts do not pile up") {
  HostStartGate gate;
  for (int i = 0; i < 10000; ++i) {
    gate.Reserve("http://host-" + std::to_string(i), milliseconds(10), t0 + milliseconds(i));
  }
  // At most the hosts of the last 10 ms, plus what has not been pruned yet.
  CHECK(gate.hosts() < 200);
}

}  // namespace
}  // namespace gleaner::crawler
