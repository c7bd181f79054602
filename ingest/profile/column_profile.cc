#include "ingest/profile/column_profile.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "ingest/profile/equal_width_histogram.h"
#include "ingest/profile/json_fields.h"

namespace gleaner::profile {
namespace {

using nlohmann::json;

std::string_view BytesOf(const void* p, size_t n) {
  return std::string_view(static_cast<const char*>(p), n);
}

uint64_t HashInt(int64_t v) { return HyperLogLog::Hash(BytesOf(&v, sizeof v)); }

uint64_t HashDouble(double v) {
  if (v == 0.0) v = 0.0;  // -0 and +0 are one value
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  return HyperLogLog::Hash(BytesOf(&v, sizeof v));
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Characters of UTF-8 text: the bytes that do not continue a character
// (10xxxxxx), counted eight at a time — every string of every row passes here.
int64_t Utf8Length(std::string_view text) {
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  size_t continuations = 0, i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    // A byte's bit 7 set and bit 6 (shifted into bit 7's place) clear.
    continuations += std::popcount(word & ~(word << 1) & kHighBits);
  }
  continuations += std::count_if(text.begin() + i, text.end(), IsContinuationByte);
  return static_cast<int64_t>(text.size() - continuations);
}

}  // namespace

ColumnProfile::ColumnProfile(ColumnDescription description)
    : description_(std::move(description)) {}

void ColumnProfile::Add(const v1::Value& value) {
  if (value.kind_case() == v1::Value::KIND_NOT_SET) {
    ++nulls_;
    return;
  }
  ++count_;
  std::optional<double> number;
  switch (value.kind_case()) {
    case v1::Value::kIntValue:
      distinct_.AddHash(HashInt(value.int_value()));
      number = static_cast<double>(value.int_value());
      break;
    case v1::Value::kTimestampMicros:
      distinct_.AddHash(HashInt(value.timestamp_micros()));
      number = static_cast<double>(value.timestamp_micros());
      break;
    case v1::Value::kBoolValue:
      distinct_.AddHash(HashInt(value.bool_value() ? 1 : 0));
      number = value.bool_value() ? 1.0 : 0.0;
      break;
    case v1::Value::kDoubleValue:
      distinct_.AddHash(HashDouble(value.double_value()));
      number = value.double_value();
      break;
    case v1::Value::kStringValue:
      return AddText(value.string_value());
    case v1::Value::kJsonValue:
      return AddText(value.json_value());
    case v1::Value::kBytesValue:
      return AddText(value.bytes_value());
    case v1::Value::KIND_NOT_SET:
      return;  // counted as a null above
  }
  if (!number || !numeric()) return;  // a number in a string column: no text statistics
  if (!std::isfinite(*number)) {
    ++non_finite_;
    return;
  }
  values_.Add(*number);
  quantiles_.Update(*number);
}

void ColumnProfile::AddText(std::string_view text) {
  distinct_.Add(text);
  if (numeric()) return;  // text in a numeric column: counted, no number statistics
  lengths_.Add(static_cast<double>(Utf8Length(text)));
  top_.Add(text);
}

Status ColumnProfile::Merge(const ColumnProfile& other) {
  const ColumnDescription& a = description_;
  const ColumnDescription& b = other.description_;
  if (a.name != b.name || a.type != b.type || a.categorical != b.categorical) {
    return Status::InvalidArgument("cannot merge the profile of column " + b.name + " (" +
                                   schema::ColumnTypeName(b.type) + ") into that of " + a.name +
                                   " (" + schema::ColumnTypeName(a.type) + ")");
  }
  count_ += other.count_;
  nulls_ += other.nulls_;
  non_finite_ += other.non_finite_;
  distinct_.Merge(other.distinct_);
  values_.Merge(other.values_);
  quantiles_.Merge(other.quantiles_);
  lengths_.Merge(other.lengths_);
  top_.Merge(other.top_);
  return Status::OK();
}

json ColumnProfile::SummaryJson() const {
  json out = {{"count", count_},
              {"nulls", nulls_},
              {"distinct", std::llround(distinct_.Estimate())},
              {"distinct_exact", distinct_.exact()}};
  if (!numeric()) {
    if (lengths_.count() > 0) {
      out["length"] = {{"min", std::llround(lengths_.min())},
                       {"max", std::llround(lengths_.max())},
                       {"mean", lengths_.mean()},
                       {"sd", lengths_.sd()}};
    }
    json top = json::array();
    for (const FrequentItems::Item& item : top_.Top(kSummaryTopValues)) {
      top.push_back({{"value", item.value}, {"count", item.count}});
    }
    out["top"] = std::move(top);
    out["top_exact"] = top_.exact();
    out["top_max_error"] = top_.max_error();
    return out;
  }
  out["non_finite"] = non_finite_;
  if (values_.count() == 0) return out;
  // Integer columns keep integer figures: every retained item is one of the values.
  const bool integral = description_.type != schema::ColumnType::kDouble;
  const auto number = [integral](double x) { return integral ? json(std::llround(x)) : json(x); };
  out["min"] = number(values_.min());
  out["max"] = number(values_.max());
  out["mean"] = values_.mean();
  out["sd"] = values_.sd();
  json quantiles = json::object();
  for (double q : kSummaryQuantiles) {
    quantiles["p" + std::to_string(std::lround(q * 100))] = number(quantiles_.Quantile(q));
  }
  out["quantiles"] = std::move(quantiles);
  out["quantiles_exact"] = quantiles_.exact();

  EqualWidthHistogram histogram =
      HistogramOf(quantiles_, quantiles_.min(), quantiles_.max(), kHistogramBins);
  out["histogram"] = {{"edges", std::move(histogram.edges)}, {"counts", histogram.counts}};
  return out;
}

json ColumnProfile::SketchesJson() const {
  json out = {{"count", count_},
              {"nulls", nulls_},
              {"non_finite", non_finite_},
              {"distinct", distinct_.ToJson()}};
  if (numeric()) {
    out["values"] = values_.ToJson();
    out["quantiles"] = quantiles_.ToJson();
  } else {
    out["lengths"] = lengths_.ToJson();
    out["top"] = top_.ToJson();
  }
  return out;
}

Status ColumnProfile::FromSketchesJson(ColumnDescription description, const json& in,
                                       const std::string& where, ColumnProfile* out) {
  *out = ColumnProfile(std::move(description));
  if (!in.is_object()) return InvalidAt(where, "expected an object");
  GLEANER_RETURN_IF_ERROR(ReadCount(in, "count", where, &out->count_));
  GLEANER_RETURN_IF_ERROR(ReadCount(in, "nulls", where, &out->nulls_));
  GLEANER_RETURN_IF_ERROR(ReadCount(in, "non_finite", where, &out->non_finite_));
  GLEANER_RETURN_IF_ERROR(
      HyperLogLog::FromJson(Member(in, "distinct"), where + ".distinct", &out->distinct_));
  if (out->numeric()) {
    GLEANER_RETURN_IF_ERROR(
        Moments::FromJson(Member(in, "values"), where + ".values", &out->values_));
    GLEANER_RETURN_IF_ERROR(
        KllSketch::FromJson(Member(in, "quantiles"), where + ".quantiles", &out->quantiles_));
    // Compared by subtraction: the counts are read from outside and may be near INT64_MAX.
    if (static_cast<uint64_t>(out->values_.count()) != out->quantiles_.n() ||
        out->non_finite_ > out->count_ || out->values_.count() > out->count_ - out->non_finite_) {
      return InvalidAt(where,
                       "values.count and quantiles.n must be equal and, with "
                       "non_finite, at most count");
    }
    return Status::OK();
  }
  GLEANER_RETURN_IF_ERROR(
      Moments::FromJson(Member(in, "lengths"), where + ".lengths", &out->lengths_));
  GLEANER_RETURN_IF_ERROR(FrequentItems::FromJson(Member(in, "top"), where + ".top", &out->top_));
  if (out->lengths_.count() != out->top_.total() || out->top_.total() > out->count_) {
    return InvalidAt(where, "lengths.count and top.total must be equal and at most count");
  }
  return Status::OK();
}

}  // namespace gleaner::profile
