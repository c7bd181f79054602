#include "crawler/fetch/host_start_gate.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace gleaner::crawler {
namespace {

using std::chrono::milliseconds;
using Clock = HostStartGate::Clock;
using Tickets = std::vector<HostStartGate::Ticket>;

const Clock::time_point t0 = Clock::time_point(std::chrono::hours(1));

TEST_CASE("a request that slipped past its slot pushes the host's next start back") {
  // The frontier handed out two URLs 200 ms apart, but the first reached the
  // fetcher 160 ms late: the second must still start 200 ms after it.
  HostStartGate gate;
  CHECK(gate.Admit("http://a", milliseconds(200), t0 + milliseconds(160), 1));
  CHECK_FALSE(gate.Admit("http://a", milliseconds(200), t0 + milliseconds(200), 2));
  CHECK(gate.NextDue() == t0 + milliseconds(360));
  CHECK(gate.Due(t0 + milliseconds(359)).empty());
  CHECK(gate.Due(t0 + milliseconds(360)) == Tickets{2});
  CHECK(gate.NextDue() == Clock::time_point::max());
}

TEST_CASE("a waiting request handed out late pushes the next one back from its real start") {
  // Three asked for together; the caller's timer for the second fires 150 ms
  // late (a starved process): the third must wait a whole gap after that.
  HostStartGate gate;
  CHECK(gate.Admit("http://a", milliseconds(200), t0, 1));
  CHECK_FALSE(gate.Admit("http://a", milliseconds(200), t0, 2));
  CHECK_FALSE(gate.Admit("http://a", milliseconds(200), t0, 3));
  CHECK(gate.NextDue() == t0 + milliseconds(200));
  CHECK(gate.Due(t0 + milliseconds(350)) == Tickets{2});  // one at a time, in order
  CHECK(gate.NextDue() == t0 + milliseconds(550));
  CHECK(gate.Due(t0 + milliseconds(400)).empty());
  CHECK(gate.Due(t0 + milliseconds(550)) == Tickets{3});
  // A newcomer while one waits queues behind it, even when the gap ran out.
  CHECK(gate.Admit("http://b", milliseconds(100), t0, 4));
  CHECK_FALSE(gate.Admit("http://b", milliseconds(100), t0 + milliseconds(50), 5));
  CHECK_FALSE(gate.Admit("http://b", milliseconds(100), t0 + milliseconds(150), 6));
  CHECK(gate.Due(t0 + milliseconds(150)) == Tickets{5});
  CHECK(gate.Due(t0 + milliseconds(250)) == Tickets{6});
}

TEST_CASE("a request that left late, still connecting, pushes the host's next start back") {
  HostStartGate gate;
  CHECK(gate.Admit("http://a", milliseconds(200), t0, 1));
  CHECK_FALSE(gate.Admit("http://a", milliseconds(200), t0, 2));
  gate.Sent("http://a", milliseconds(200), t0 + milliseconds(70));  // its bytes left at 70 ms
  CHECK(gate.NextDue() == t0 + milliseconds(270));
  CHECK(gate.Due(t0 + milliseconds(200)).empty());
  CHECK(gate.Due(t0 + milliseconds(270)) == Tickets{2});
  // Sent on time moves nothing.
  gate.Sent("http://a", milliseconds(200), t0 + milliseconds(270));
  CHECK(gate.Admit("http://a", milliseconds(200), t0 + milliseconds(470), 3));
}

TEST_CASE("requests on time start at once, and hosts do not wait for each other") {
  HostStartGate gate;
  CHECK(gate.Admit("http://a", milliseconds(200), t0, 1));
  CHECK(gate.Admit("http://b", milliseconds(200), t0, 2));
  CHECK(gate.Admit("http://a", milliseconds(200), t0 + milliseconds(250), 3));
  // A gap of zero is no gate.
  CHECK(gate.Admit("http://c", milliseconds(0), t0, 4));
  CHECK(gate.Admit("http://c", milliseconds(0), t0, 5));
  // Two hosts waiting are handed out together when both are due.
  CHECK_FALSE(gate.Admit("http://a", milliseconds(200), t0 + milliseconds(300), 6));
  CHECK_FALSE(gate.Admit("http://b", milliseconds(200), t0 + milliseconds(100), 7));
  CHECK(gate.NextDue() == t0 + milliseconds(200));
  Tickets due = gate.Due(t0 + milliseconds(450));
  std::sort(due.begin(), due.end());
  CHECK(due == Tickets{6, 7});
}

TEST_CASE("hosts whose gap ran out are forgotten, so a long crawl's hosts do not pile up") {
  HostStartGate gate;
  for (int i = 0; i < 10000; ++i) {
    gate.Admit("http://host-" + std::to_string(i), milliseconds(10), t0 + milliseconds(i), 1);
  }
  // At most the hosts of the last 10 ms, plus what has not been pruned yet.
  CHECK(gate.hosts() < 200);
}

}  // namespace
}  // namespace gleaner::crawler
