#include "ingest/prepare/dataset_pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "ingest/prepare/dedup_index.h"
#include "ingest/prepare/row_spill.h"
#include "ingest/prepare/source_key_census.h"
#include "ingest/shards/text_encoding.h"
#include "ingest/split/split_assigner.h"

namespace gleaner::prepare {
namespace {

constexpr char kSourceUrl[] = "source_url";
constexpr char kFetchTime[] = "fetch_time";

// A row's fate once the global steps have run; kept rows are kKeep.
constexpr uint8_t kKeep = 0;
constexpr uint8_t kDuplicate = 1;
constexpr uint8_t kFirstOutlier = 2;  // kFirstOutlier + i: dropped by outlier rule i
constexpr size_t kMaxOutlierRules = 255 - kFirstOutlier;

bool IsNull(const v1::Value& v) { return v.kind_case() == v1::Value::KIND_NOT_SET; }

std::optional<double> NumericValue(const v1::Value& v) {
  switch (v.kind_case()) {
    case v1::Value::kIntValue:
      return static_cast<double>(v.int_value());
    case v1::Value::kDoubleValue:
      if (std::isnan(v.double_value())) return std::nullopt;
      return v.double_value();
    case v1::Value::kTimestampMicros:
      return static_cast<double>(v.timestamp_micros());
    default:
      return std::nullopt;
  }
}

std::string DumpJson(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// How a value reads in a reason or a group name.
std::string DisplayValue(const v1::Value& v) {
  if (IsNull(v)) return "null";
  // Written like the bounds it is compared with: 100, not 100.0.
  if (v.kind_case() == v1::Value::kDoubleValue) return shards::FormatDouble(v.double_value());
  nlohmann::ordered_json j = shards::ValueToJson(v);
  return j.is_string() ? j.get<std::string>() : DumpJson(j);
}

// Maps the distinct values of a field to small ids, so per-row state is an
// integer and the names are kept once. Null is named "null", as in reasons.
class ValueIds {
 public:
  uint32_t IdOf(const v1::Value& v) {
    key_.clear();
    split::AppendKeyBytes(v, &key_);
    auto [it, inserted] = ids_.try_emplace(key_, static_cast<uint32_t>(names_.size()));
    if (inserted) {
      if (IsNull(v)) null_id_ = it->second;
      names_.push_back(DisplayValue(v));
    }
    return it->second;
  }
  uint32_t Find(const v1::Value& v) const {
    std::string key;
    split::AppendKeyBytes(v, &key);
    return ids_.at(key);
  }
  const std::string& NameOf(uint32_t id) const { return names_[id]; }
  // The name of a value for reports: nullopt for null.
  std::optional<std::string> ReportedNameOf(uint32_t id) const {
    if (null_id_ == id) return std::nullopt;
    return names_[id];
  }
  size_t size() const { return names_.size(); }

 private:
  std::optional<uint32_t> null_id_;
  std::string key_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

// Per outlier rule: one value per spilled kept row (NaN = null), its group,
// and after Decide the bounds per group.
struct OutlierState {
  const rules::OutlierRule* rule = nullptr;
  int field = -1;
  int by = -1;
  std::vector<double> values;
  std::vector<uint32_t> groups;  // empty when the rule has no `by`
  ValueIds group_ids;
  std::vector<outliers::Bounds> bounds;  // by group id
  std::vector<int64_t> flagged;
  int64_t evaluated = 0;
  int64_t dropped = 0;
};

class Pipeline {
 public:
  Pipeline(const rules::RulesConfig& rules, const PipelineOptions& options, DatasetSink* sink,
           PrepareReport* report)
      : rules_(rules), options_(options), sink_(sink), report_(report), census_(rules) {}

  Status Run(storage::StoreReader* reader, std::string_view job) {
    GLEANER_RETURN_IF_ERROR(Setup());
    GLEANER_RETURN_IF_ERROR(FirstPass(reader, job));
    GLEANER_RETURN_IF_ERROR(census_.Check());
    // Before the fail checks, so that a refused dataset still reports every rule.
    Decide();
    GLEANER_RETURN_IF_ERROR(CheckFailRules());
    GLEANER_RETURN_IF_ERROR(SecondPass());
    report_->warnings =
        SplitWarnings(rules_.split, report_->records_scanned, report_->split_rows, ClassRows());
    return Status::OK();
  }

 private:
  int FieldIndex(const std::string& name) const {
    for (size_t i = 0; i < rules_.fields.size(); ++i) {
      if (rules_.fields[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  Status Setup() {
    if (rules_.output.metadata_columns) {
      for (const auto& f : rules_.fields) {
        if (f.name == kSourceUrl || f.name == kFetchTime) {
          return Status::InvalidArgument(rules_.file + ":" + std::to_string(f.pos.line) + ":" +
                                         std::to_string(f.pos.column) + ": field '" + f.name +
                                         "' clashes with a metadata column; rename it or set "
                                         "output.metadata_columns: false");
        }
      }
    }
    GLEANER_RETURN_IF_ERROR(rules::RowCleaner::Create(rules_, &cleaner_));
    for (const auto& check : rules_.checks) {
      if (check.severity == rules::Severity::kFail) failing_samples_.try_emplace(check.name);
    }
    for (const auto& name : rules_.dedup.key) dedup_fields_.push_back(FieldIndex(name));
    if (rules_.outliers.size() > kMaxOutlierRules) {
      return Status::InvalidArgument(rules_.file + ": at most " + std::to_string(kMaxOutlierRules) +
                                     " outlier rules are supported");
    }
    for (const auto& rule : rules_.outliers) {
      OutlierState state;
      state.rule = &rule;
      state.field = FieldIndex(rule.field);
      state.by = rule.by.empty() ? -1 : FieldIndex(rule.by);
      outliers_.push_back(std::move(state));
    }
    // Split key: the named fields (source_url for the record's page), or by
    // default the record's identity, so that every record hashes on its own.
    for (const auto& name : rules_.split.key) split_key_.push_back(FieldIndex(name));
    split_group_ = rules_.split.group.empty() ? -1 : FieldIndex(rules_.split.group);
    stratify_ = rules_.split.stratify.empty() ? -1 : FieldIndex(rules_.split.stratify);
    const double train = rules_.split.train, validation = rules_.split.validation;
    if (stratify_ >= 0) cuts_ = std::make_unique<split::StratifiedCuts>(train, validation);

    char name[64];
    std::snprintf(name, sizeof name, "/gleaner-spill-%d-%p", static_cast<int>(getpid()),
                  static_cast<void*>(this));
    std::string dir = options_.spill_dir.empty() ? "/tmp" : options_.spill_dir;
    return spill_.Create(dir + name);
  }

  // The split hash of a cleaned row: of its split key (SplitKeyBytes).
  uint64_t SplitHashOf(const SpilledRow& row) {
    return split::SplitHash(rules_.split.seed, SplitKeyBytes(row));
  }

  // The canonical bytes of a cleaned row's split key: its group's value, its
  // key fields, or its identity (in key_bytes_, until the next call).
  const std::string& SplitKeyBytes(const SpilledRow& row) {
    key_bytes_.clear();
    if (split_group_ >= 0) {
      split::AppendKeyBytes(row.values[split_group_], &key_bytes_);
    } else if (!split_key_.empty()) {
      for (int index : split_key_) {
        if (index >= 0) {
          split::AppendKeyBytes(row.values[index], &key_bytes_);
        } else {
          v1::Value url;
          url.set_string_value(row.source_url);
          split::AppendKeyBytes(url, &key_bytes_);
        }
      }
    } else {
      v1::Value part;
      part.set_string_value(row.source_url);
      split::AppendKeyBytes(part, &key_bytes_);
      part.set_int_value(row.index_in_page);
      split::AppendKeyBytes(part, &key_bytes_);
    }
    return key_bytes_;
  }

  Status FirstPass(storage::StoreReader* reader, std::string_view job) {
    v1::JobState state;
    GLEANER_RETURN_IF_ERROR(reader->GetJob(job, &state));
    SpilledRow row;
    rules::Rejection rejection;
    Status spill_status;
    GLEANER_RETURN_IF_ERROR(reader->ScanRecords(job, options_.run, [&](const v1::Record& record) {
      ++report_->records_scanned;
      census_.Observe(record);
      row.source_url = record.source_url();
      row.fetch_time_micros = record.fetch_time_micros();
      row.index_in_page = record.index_in_page();
      if (!cleaner_->Clean(record, &row.values, &rejection)) {
        cleaner_->RedactedStagedValues(record, &staged_);
        row.quarantined = true;
        row.values.resize(3);
        row.values[0].set_string_value(rejection.rule);
        row.values[1].set_string_value(rejection.reason);
        row.values[2].set_string_value(FieldsJson(staged_));
        SampleFailing(row);
        spill_status = spill_.Append(row);
        return spill_status.ok();
      }
      row.quarantined = false;
      Collect(row);
      spill_status = spill_.Append(row);
      return spill_status.ok();
    }));
    GLEANER_RETURN_IF_ERROR(spill_status);
    return spill_.FinishWriting();
  }

  // Gathers what the global steps need from one kept row.
  void Collect(const SpilledRow& row) {
    const uint32_t ordinal = kept_rows_++;
    if (!dedup_fields_.empty()) {
      key_bytes_.clear();
      for (int index : dedup_fields_) split::AppendKeyBytes(row.values[index], &key_bytes_);
      dedup_.Add(split::SplitHash(0, key_bytes_), row.fetch_time_micros, ordinal);
    }
    for (OutlierState& o : outliers_) {
      o.values.push_back(NumericValue(row.values[o.field]).value_or(std::nan("")));
      if (o.by >= 0) o.groups.push_back(o.group_ids.IdOf(row.values[o.by]));
    }
    if (cuts_ != nullptr) {
      strata_.push_back(class_ids_.IdOf(row.values[stratify_]));
      split_hashes_.push_back(SplitHashOf(row));
    }
  }

  // Keeps the first rows each fail check drops, for the report of a refusal.
  void SampleFailing(const SpilledRow& row) {
    auto it = failing_samples_.find(row.values[0].string_value());
    if (it == failing_samples_.end() || it->second.size() >= kMaxFailingRows) return;
    it->second.push_back({report_->records_scanned,
                          {row.source_url, row.fetch_time_micros, row.values[0].string_value(),
                           row.values[1].string_value(), row.values[2].string_value()}});
  }

  Status CheckFailRules() {
    std::vector<std::pair<int64_t, QuarantinedRow>> failing;
    Status refusal;
    for (const rules::RuleCount& c : cleaner_->counts()) {
      if (c.severity != rules::Severity::kFail || c.evaluated == 0) continue;
      const double passed = static_cast<double>(c.evaluated - c.failed) / c.evaluated;
      if (passed >= c.mostly) continue;
      const auto& samples = failing_samples_[c.rule];
      failing.insert(failing.end(), samples.begin(), samples.end());
      if (refusal.ok()) {
        refusal = Status::Aborted("check '" + c.rule + "' failed on " + std::to_string(c.failed) +
                                  " of " + std::to_string(c.evaluated) + " rows; mostly " +
                                  shards::FormatDouble(c.mostly) +
                                  " requires at least that fraction to " + "pass (passed " +
                                  shards::FormatDouble(passed) + "); nothing was written");
      }
    }
    // In staging order, across the refusing checks.
    std::stable_sort(failing.begin(), failing.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < failing.size() && i < kMaxFailingRows; ++i) {
      report_->failing_rows.push_back(std::move(failing[i].second));
    }
    return refusal;
  }

  void Decide() {
    decisions_.assign(kept_rows_, kKeep);
    int64_t duplicates = 0;
    if (!dedup_fields_.empty()) {
      dedup_.Resolve(rules_.dedup.keep, [&](uint32_t row, uint32_t) {
        decisions_[row] = kDuplicate;
        ++duplicates;
      });
    }
    for (size_t r = 0; r < outliers_.size(); ++r) DecideOutliers(r);

    report_->rules = cleaner_->counts();
    if (!dedup_fields_.empty()) {
      rules::RuleCount dedup{"dedup", rules::Severity::kDrop, 1.0, kept_rows_, duplicates};
      report_->rules.push_back(dedup);
    }
    for (const OutlierState& o : outliers_) {
      // A clipping rule keeps its rows: it counts like a warning.
      rules::RuleCount count{o.rule->name,
                             o.rule->clip ? rules::Severity::kWarn : rules::Severity::kDrop, 1.0,
                             o.evaluated, o.rule->clip ? Sum(o.flagged) : o.dropped};
      report_->rules.push_back(count);
      OutlierReport out{o.rule, {}};
      for (size_t g = 0; g < o.bounds.size(); ++g) {
        out.groups.push_back(
            {o.by >= 0 ? o.group_ids.ReportedNameOf(g) : std::nullopt, o.bounds[g], o.flagged[g]});
      }
      report_->outliers.push_back(std::move(out));
    }

    if (cuts_ != nullptr) {
      for (uint32_t i = 0; i < kept_rows_; ++i) {
        if (decisions_[i] == kKeep) cuts_->Add(class_ids_.NameOf(strata_[i]), split_hashes_[i]);
      }
      cuts_->Finish();
    }
  }

  static int64_t Sum(const std::vector<int64_t>& v) {
    int64_t total = 0;
    for (int64_t x : v) total += x;
    return total;
  }

  // Statistics over the rows that survived dedup (exact, per group), then the
  // rows each rule drops; a row is dropped by the first rule that flags it.
  void DecideOutliers(size_t r) {
    OutlierState& o = outliers_[r];
    const size_t groups = o.by >= 0 ? o.group_ids.size() : 1;
    std::vector<std::vector<double>> per_group(groups);
    for (uint32_t i = 0; i < kept_rows_; ++i) {
      if (decisions_[i] == kDuplicate || std::isnan(o.values[i])) continue;
      per_group[o.by >= 0 ? o.groups[i] : 0].push_back(o.values[i]);
    }
    o.bounds.resize(groups);
    o.flagged.assign(groups, 0);
    for (size_t g = 0; g < groups; ++g) {
      o.evaluated += static_cast<int64_t>(per_group[g].size());
      o.bounds[g] = outliers::ComputeBounds(*o.rule, &per_group[g]);
      std::vector<double>().swap(per_group[g]);
    }
    for (uint32_t i = 0; i < kept_rows_; ++i) {
      if (decisions_[i] == kDuplicate || std::isnan(o.values[i])) continue;
      const size_t g = o.by >= 0 ? o.groups[i] : 0;
      if (!o.bounds[g].IsOutlier(o.values[i])) continue;
      ++o.flagged[g];
      if (!o.rule->clip && decisions_[i] == kKeep) {
        decisions_[i] = static_cast<uint8_t>(kFirstOutlier + r);
        ++o.dropped;
      }
    }
    // Clipping needs only the bounds and the row's group in the second pass.
    std::vector<double>().swap(o.values);
  }

  std::string DuplicateReason(const SpilledRow& row) const {
    std::string reason = "duplicate key (";
    for (size_t i = 0; i < dedup_fields_.size(); ++i) {
      if (i > 0) reason += ", ";
      reason +=
          rules_.dedup.key[i] + "=" + DumpJson(shards::ValueToJson(row.values[dedup_fields_[i]]));
    }
    reason += rules_.dedup.keep == rules::DedupKeep::kFirst ? "); kept the first by fetch time"
                                                            : "); kept the last by fetch time";
    return reason;
  }

  std::string OutlierReason(const OutlierState& o, const SpilledRow& row, size_t g) const {
    const outliers::Bounds& b = o.bounds[g];
    const double x = *NumericValue(row.values[o.field]);
    std::string reason = o.rule->field + ": " + DisplayValue(row.values[o.field]) +
                         (x < b.lo ? " is below the lower bound " + shards::FormatDouble(b.lo)
                                   : " is above the upper bound " + shards::FormatDouble(b.hi)) +
                         " (" + rules::OutlierMethodName(o.rule->method);
    if (o.by >= 0) reason += ", " + o.rule->by + "=" + o.group_ids.NameOf(g);
    return reason + ")";
  }

  // Clamps an outlying value to its group's bounds, keeping the column type.
  void Clip(const OutlierState& o, size_t g, v1::Value* v) const {
    const outliers::Bounds& b = o.bounds[g];
    const double x = *NumericValue(*v);
    if (!b.IsOutlier(x)) return;
    const double clipped = b.Clip(x);
    if (v->kind_case() == v1::Value::kIntValue) {
      v->set_int_value(static_cast<int64_t>(x < b.lo ? std::ceil(clipped) : std::floor(clipped)));
    } else {
      v->set_double_value(clipped);
    }
  }

  Status SecondPass() {
    const bool metadata = rules_.output.metadata_columns;
    SpilledRow row;
    Status status;
    uint32_t ordinal = 0;
    QuarantinedRow quarantined;
    while (spill_.Next(&row, &status)) {
      if (row.quarantined) {
        quarantined.source_url = row.source_url;
        quarantined.fetch_time_micros = row.fetch_time_micros;
        quarantined.rule = row.values[0].string_value();
        quarantined.reason = row.values[1].string_value();
        quarantined.record_json = row.values[2].string_value();
        ++report_->quarantined;
        GLEANER_RETURN_IF_ERROR(sink_->Quarantine(quarantined));
        continue;
      }
      const uint32_t i = ordinal++;
      const uint8_t decision = decisions_[i];
      if (decision != kKeep) {
        quarantined.source_url = row.source_url;
        quarantined.fetch_time_micros = row.fetch_time_micros;
        if (decision == kDuplicate) {
          quarantined.rule = "dedup";
          quarantined.reason = DuplicateReason(row);
        } else {
          const OutlierState& o = outliers_[decision - kFirstOutlier];
          quarantined.rule = o.rule->name;
          quarantined.reason = OutlierReason(o, row, GroupOf(o, row));
        }
        quarantined.record_json = FieldsJson(row.values);
        ++report_->quarantined;
        GLEANER_RETURN_IF_ERROR(sink_->Quarantine(quarantined));
        continue;
      }
      for (const OutlierState& o : outliers_) {
        if (o.rule->clip && !IsNull(row.values[o.field]) &&
            NumericValue(row.values[o.field]).has_value()) {
          Clip(o, GroupOf(o, row), &row.values[o.field]);
        }
      }
      const std::string& key = SplitKeyBytes(row);
      const split::Split split =
          cuts_ != nullptr ? cuts_->Assign(class_ids_.NameOf(strata_[i]), split_hashes_[i])
                           : split::AssignByHash(split::SplitHash(rules_.split.seed, key),
                                                 rules_.split.train, rules_.split.validation);
      const uint64_t key_hash = split::KeyHash(key);
      if (metadata) {
        row.values.emplace_back().set_string_value(row.source_url);
        row.values.emplace_back().set_timestamp_micros(row.fetch_time_micros);
      }
      ++report_->split_rows[static_cast<int>(split)];
      if (cuts_ != nullptr) ++class_rows_[strata_[i]][static_cast<int>(split)];
      GLEANER_RETURN_IF_ERROR(sink_->Write(split, key_hash, row.values));
    }
    return status;
  }

  // Kept rows per stratify class and split; empty without stratify.
  std::vector<ClassSplitRows> ClassRows() const {
    std::vector<ClassSplitRows> classes;
    for (const auto& [id, rows] : class_rows_) {
      const std::string& name = class_ids_.NameOf(id);
      // ValueIds names a null value "", as groups are shown elsewhere.
      classes.push_back({name.empty() ? "null" : name, rows});
    }
    return classes;
  }

  // Every group was seen in the first pass.
  static size_t GroupOf(const OutlierState& o, const SpilledRow& row) {
    return o.by >= 0 ? o.group_ids.Find(row.values[o.by]) : 0;
  }

  // One JSON object of the rules' fields: name → value.
  std::string FieldsJson(const std::vector<v1::Value>& values) const {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (size_t i = 0; i < rules_.fields.size(); ++i) {
      j[rules_.fields[i].name] = shards::ValueToJson(values[i]);
    }
    return DumpJson(j);
  }

  const rules::RulesConfig& rules_;
  const PipelineOptions& options_;
  DatasetSink* sink_;
  PrepareReport* report_;

  std::unique_ptr<rules::RowCleaner> cleaner_;
  std::vector<v1::Value> staged_;  // a rejected record's redacted staged values
  RowSpill spill_;
  uint32_t kept_rows_ = 0;
  std::string key_bytes_;
  std::vector<int> dedup_fields_;
  DedupIndex dedup_;
  std::vector<OutlierState> outliers_;
  std::vector<int> split_key_;
  int split_group_ = -1;
  int stratify_ = -1;
  std::unique_ptr<split::StratifiedCuts> cuts_;
  ValueIds class_ids_;
  std::vector<uint32_t> strata_;
  std::vector<uint64_t> split_hashes_;
  std::vector<uint8_t> decisions_;
  std::map<uint32_t, std::array<int64_t, 3>> class_rows_;  // by class id, in first-seen order
  SourceKeyCensus census_;
  // Per fail check: (scan ordinal, row) of the first rows it dropped.
  std::map<std::string, std::vector<std::pair<int64_t, QuarantinedRow>>> failing_samples_;
};

}  // namespace

std::vector<shards::ColumnSpec> OutputColumns(const rules::RulesConfig& rules) {
  std::vector<shards::ColumnSpec> columns;
  for (const auto& f : rules.fields) {
    columns.push_back({f.name, f.type, !f.required});
  }
  if (rules.output.metadata_columns) {
    columns.push_back({kSourceUrl, schema::ColumnType::kString, false});
    columns.push_back({kFetchTime, schema::ColumnType::kTimestampMicros, false});
  }
  return columns;
}

std::vector<shards::ColumnSpec> QuarantineColumns() {
  return {{kSourceUrl, schema::ColumnType::kString, false},
          {kFetchTime, schema::ColumnType::kTimestampMicros, false},
          {"rule", schema::ColumnType::kString, false},
          {"reason", schema::ColumnType::kString, false},
          {"record", schema::ColumnType::kString, false}};
}

Status RunPipeline(storage::StoreReader* reader, std::string_view job,
                   const rules::RulesConfig& rules, const PipelineOptions& options,
                   DatasetSink* sink, PrepareReport* report) {
  *report = PrepareReport();
  Pipeline pipeline(rules, options, sink, report);
  return pipeline.Run(reader, job);
}

}  // namespace gleaner::prepare
