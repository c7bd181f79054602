#include "service/metrics/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gleaner::service {

namespace {

// Go's float formatting, which Prometheus parses: shortest round trip, +Inf, -Inf, NaN.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, end);
}

// HELP text escapes backslash and newline; label values also escape the quote.
std::string Escape(const std::string& s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}`, or "" without labels; `le` is appended for histogram buckets.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     const std::string& le = "") {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + Escape(values[i], true) + "\"";
  }
  if (!le.empty()) out += (out.empty() ? "{" : ",") + std::string("le=\"") + le + "\"";
  return out.empty() ? out : out + "}";
}

const char* TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void FillSample(const Counter& c, MetricSample* s) { s->value = static_cast<double>(c.value()); }
void FillSample(const Gauge& g, MetricSample* s) { s->value = static_cast<double>(g.value()); }
void FillSample(const Histogram& h, MetricSample* s) {
  s->buckets = h.CumulativeCounts();
  s->sum = h.sum();
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  // A value equal to a bound belongs to that bound's bucket (le: "less or equal").
  size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

template <typename Metric>
MetricFamily Family<Metric>::Snapshot() const {
  MetricFamily family = meta_;
  std::shared_lock lock(mu_);
  for (const auto& [labels, metric] : series_) {
    MetricSample sample;
    sample.label_values = labels;
    FillSample(*metric, &sample);
    family.samples.push_back(std::move(sample));
  }
  return family;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

std::string RenderMetrics(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    out += "# HELP " + f.name + " " + Escape(f.help, false) + "\n";
    out += "# TYPE " + f.name + " " + TypeName(f.type) + "\n";
    for (const MetricSample& s : f.samples) {
      if (f.type != MetricType::kHistogram) {
        out += f.name + LabelSet(f.label_names, s.label_values) + " " + FormatValue(s.value) + "\n";
        continue;
      }
      for (size_t i = 0; i < s.buckets.size(); ++i) {
        std::string le = i < f.bounds.size() ? FormatValue(f.bounds[i]) : "+Inf";
        out += f.name + "_bucket" + LabelSet(f.label_names, s.label_values, le) + " " +
               std::to_string(s.buckets[i]) + "\n";
      }
      std::string labels = LabelSet(f.label_names, s.label_values);
      out += f.name + "_sum" + labels + " " + FormatValue(s.sum) + "\n";
      out += f.name + "_count" + labels + " " +
             std::to_string(s.buckets.empty() ? 0 : s.buckets.back()) + "\n";
    }
  }
  return out;
}

template <typename Metric>
Family<Metric>* MetricsRegistry::Add(MetricFamily meta,
                                     std::function<std::unique_ptr<Metric>()> make) {
  auto family = std::make_unique<Family<Metric>>(std::move(meta), std::move(make));
  Family<Metric>* raw = family.get();
  std::lock_guard lock(mu_);
  families_.push_back(std::move(family));
  sources_.push_back([raw](std::vector<MetricFamily>* out) { out->push_back(raw->Snapshot()); });
  return raw;
}

Counter* MetricsRegistry::AddCounter(const std::string& name, const std::string& help) {
  return AddCounterFamily(name, help, {})->With({});
}

Family<Counter>* MetricsRegistry::AddCounterFamily(const std::string& name, const std::string& help,
                                                   std::vector<std::string> label_names) {
  return Add<Counter>({name, help, MetricType::kCounter, std::move(label_names), {}, {}},
                      [] { return std::make_unique<Counter>(); });
}

Family<Gauge>* MetricsRegistry::AddGaugeFamily(const std::string& name, const std::string& help,
                                               std::vector<std::string> label_names) {
  return Add<Gauge>({name, help, MetricType::kGauge, std::move(label_names), {}, {}},
                    [] { return std::make_unique<Gauge>(); });
}

Family<Histogram>* MetricsRegistry::AddHistogramFamily(const std::string& name,
                                                       const std::string& help,
                                                       std::vector<std::string> label_names,
                                                       std::vector<double> bounds) {
  return Add<Histogram>({name, help, MetricType::kHistogram, std::move(label_names), bounds, {}},
                        [bounds] { return std::make_unique<Histogram>(bounds); });
}

void MetricsRegistry::AddCollector(Collector collector) {
  std::lock_guard lock(mu_);
  sources_.push_back(std::move(collector));
}

std::string MetricsRegistry::Render() const {
  std::vector<MetricFamily> families;
  {
    std::lock_guard lock(mu_);
    for (const Collector& source : sources_) source(&families);
  }
  return RenderMetrics(families);
}

}  // namespace gleaner::service
