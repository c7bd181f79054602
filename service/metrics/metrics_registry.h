// MetricsRegistry: counters, gauges and histograms with fixed buckets,
// rendered in the Prometheus text exposition format (version 0.0.4). Updates
// are lock-free atomics; a labelled family takes a lock only to find the
// series of a set of label values (and to create it on first use). Collectors
// add series computed at scrape time, for values that live elsewhere (the
// store's job states). Thread-safe; metric pointers live as long as the registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace gleaner::service {

class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending, without +Inf.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  // Cumulative counts per bound, then the +Inf bucket (the total count).
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// One family as rendered: what collectors produce and families copy themselves into.
struct MetricSample {
  std::vector<std::string> label_values;  // one per label name
  double value = 0;                       // counters and gauges
  std::vector<uint64_t> buckets;          // histograms: Histogram::CumulativeCounts()
  double sum = 0;                         // histograms
};
struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> label_names;
  std::vector<double> bounds;  // histograms
  std::vector<MetricSample> samples;
};

// The text exposition of `families`: HELP and TYPE lines, then one line per
// sample (histograms: _bucket lines with le, then _sum and _count), with
// backslashes, quotes and newlines escaped in label values.
std::string RenderMetrics(const std::vector<MetricFamily>& families);

class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  virtual MetricFamily Snapshot() const = 0;
};

// The series of one metric, one per set of label values.
template <typename Metric>
class Family : public FamilyBase {
 public:
  Family(MetricFamily meta, std::function<std::unique_ptr<Metric>()> make)
      : meta_(std::move(meta)), make_(std::move(make)) {}

  // The series for these label values (one per label name), created at first use.
  Metric* With(const std::vector<std::string>& label_values) {
    {
      std::shared_lock lock(mu_);
      auto it = series_.find(label_values);
      if (it != series_.end()) return it->second.get();
    }
    std::unique_lock lock(mu_);
    auto& slot = series_[label_values];
    if (slot == nullptr) slot = make_();
    return slot.get();
  }

  // Defined in the .cc for Counter, Gauge and Histogram.
  MetricFamily Snapshot() const override;

 private:
  const MetricFamily meta_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> series_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

class MetricsRegistry {
 public:
  // Produces families at each scrape; appends to its argument.
  using Collector = std::function<void(std::vector<MetricFamily>*)>;

  // A counter without labels; it is rendered even while 0.
  Counter* AddCounter(const std::string& name, const std::string& help);
  Family<Counter>* AddCounterFamily(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names);
  Family<Gauge>* AddGaugeFamily(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names);
  Family<Histogram>* AddHistogramFamily(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds);
  void AddCollector(Collector collector);

  // Everything, in the order it was added.
  std::string Render() const;

 private:
  template <typename Metric>
  Family<Metric>* Add(MetricFamily meta, std::function<std::unique_ptr<Metric>()> make);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::vector<Collector> sources_;  // families' snapshots and collectors, in order
};

}  // namespace gleaner::service
