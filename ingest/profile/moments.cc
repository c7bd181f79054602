#include "ingest/profile/moments.h"

#include <algorithm>
#include <cmath>

#include "ingest/profile/json_fields.h"

namespace gleaner::profile {

void Moments::Add(double x) {
  if (count_ == 0) {
    min_ = max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (x - mean_);
}

void Moments::Merge(const Moments& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double n_a = static_cast<double>(count_), n_b = static_cast<double>(other.count_);
  const double n = n_a + n_b;
  const double delta = other.mean_ - mean_;
  mean_ += delta * n_b / n;
  m2_ += other.m2_ + delta * delta * n_a * n_b / n;
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double Moments::sd() const {
  return count_ < 2 ? 0.0 : std::sqrt(m2_ / static_cast<double>(count_ - 1));
}

nlohmann::json Moments::ToJson() const {
  nlohmann::json json = {{"count", count_}, {"mean", mean_}, {"m2", m2_}};
  if (count_ > 0) {
    json["min"] = min_;
    json["max"] = max_;
  }
  return json;
}

Status Moments::FromJson(const nlohmann::json& json, const std::string& where, Moments* out) {
  *out = Moments();
  if (!json.is_object()) return InvalidAt(where, "expected an object");
  GLEANER_RETURN_IF_ERROR(ReadCount(json, "count", where, &out->count_));
  const nlohmann::json& mean = Member(json, "mean");
  const nlohmann::json& m2 = Member(json, "m2");
  if (!mean.is_number() || !m2.is_number() || !std::isfinite(mean.get<double>()) ||
      !std::isfinite(m2.get<double>()) || !(m2.get<double>() >= 0)) {
    return InvalidAt(where, "mean, m2: expected finite numbers, m2 >= 0");
  }
  out->mean_ = mean.get<double>();
  out->m2_ = m2.get<double>();
  if (out->count_ > 0) GLEANER_RETURN_IF_ERROR(ReadMinMax(json, where, &out->min_, &out->max_));
  return Status::OK();
}

}  // namespace gleaner::profile
