// The Prometheus text exposition of counters, gauges, histograms and
// collected families: exact text, escaping, cumulative buckets.
#include "service/metrics/metrics_registry.h"

#include <catch2/catch.hpp>

using namespace gleaner::service;

TEST_CASE("counters and gauges render with HELP, TYPE and escaped labels") {
  MetricsRegistry registry;
  Counter* plain = registry.AddCounter("a_total", "Plain \\ counter\nsecond line");
  Family<Gauge>* gauges = registry.AddGaugeFamily("b", "A gauge", {"k", "m"});
  plain->Increment();
  plain->Increment(41);
  gauges->With({"x\"y", "back\\slash\nnl"})->Add(3);
  gauges->With({"a", "b"})->Add(-2);
  CHECK(registry.Render() ==
        "# HELP a_total Plain \\\\ counter\\nsecond line\n"
        "# TYPE a_total counter\n"
        "a_total 42\n"
        "# HELP b A gauge\n"
        "# TYPE b gauge\n"
        "b{k=\"a\",m=\"b\"} -2\n"
        "b{k=\"x\\\"y\",m=\"back\\\\slash\\nnl\"} 3\n");
}

TEST_CASE("a histogram renders cumulative buckets up to +Inf, its sum and count") {
  MetricsRegistry registry;
  Family<Histogram>* h =
      registry.AddHistogramFamily("d_seconds", "Durations", {"m"}, {0.5, 1, 2.5});
  Histogram* x = h->With({"x"});
  for (double v : {0.25, 0.5, 0.75, 2.5, 3.0}) x->Observe(v);
  // 0.25 and 0.5 are <= 0.5; 0.75 adds to <= 1; 2.5 to <= 2.5; 3 only to +Inf.
  CHECK(registry.Render() ==
        "# HELP d_seconds Durations\n"
        "# TYPE d_seconds histogram\n"
        "d_seconds_bucket{m=\"x\",le=\"0.5\"} 2\n"
        "d_seconds_bucket{m=\"x\",le=\"1\"} 3\n"
        "d_seconds_bucket{m=\"x\",le=\"2.5\"} 4\n"
        "d_seconds_bucket{m=\"x\",le=\"+Inf\"} 5\n"
        "d_seconds_sum{m=\"x\"} 7\n"
        "d_seconds_count{m=\"x\"} 5\n");
}

TEST_CASE("collectors add families computed at each render, in registration order") {
  MetricsRegistry registry;
  int scrapes = 0;
  registry.AddCollector([&scrapes](std::vector<MetricFamily>* out) {
    ++scrapes;
    out->push_back({"c", "Collected", MetricType::kGauge, {"p"}, {}, {{{"q"}, 1.5, {}, 0}}});
  });
  registry.AddCounter("e_total", "After");
  std::string text =
      "# HELP c Collected\n# TYPE c gauge\nc{p=\"q\"} 1.5\n"
      "# HELP e_total After\n# TYPE e_total counter\ne_total 0\n";
  CHECK(registry.Render() == text);
  CHECK(registry.Render() == text);
  CHECK(scrapes == 2);
}

TEST_CASE("a labelled family has no series until one is used, the same labels give the same one") {
  MetricsRegistry registry;
  Family<Counter>* f = registry.AddCounterFamily("f_total", "F", {"k"});
  CHECK(registry.Render() == "# HELP f_total F\n# TYPE f_total counter\n");
  CHECK(f->With({"v"}) == f->With({"v"}));
  CHECK(f->With({"v"}) != f->With({"w"}));
}
