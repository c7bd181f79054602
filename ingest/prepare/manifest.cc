#include "ingest/prepare/manifest.h"

#include <xxhash.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "ingest/shards/text_encoding.h"
#include "ingest/split/split_assigner.h"
#include "schema/column_type.h"
#include "storage/job_phase.h"

namespace gleaner::prepare {
namespace {

using Json = nlohmann::ordered_json;

// JSON has no NaN or infinity; bounds of an empty group are reported as null.
Json Number(double x) { return std::isfinite(x) ? Json(x) : Json(); }

Json SchemaJson(const std::vector<shards::ColumnSpec>& columns) {
  Json schema = Json::array();
  for (const auto& c : columns) {
    schema.push_back(
        {{"name", c.name}, {"type", schema::ColumnTypeName(c.type)}, {"nullable", c.nullable}});
  }
  return schema;
}

Json ShardSetJson(const std::vector<ShardInfo>& shards) {
  Json list = Json::array();
  int64_t rows = 0;
  for (const ShardInfo& s : shards) {
    rows += s.stats.rows;
    list.push_back({{"path", s.path}, {"rows", s.stats.rows}, {"bytes", s.stats.bytes}});
  }
  return {{"rows", rows}, {"shards", list}};
}

Json OutlierJson(const OutlierReport& o) {
  const rules::OutlierRule& r = *o.rule;
  Json j = {{"rule", r.name}, {"field", r.field}, {"method", rules::OutlierMethodName(r.method)}};
  switch (r.method) {
    case rules::OutlierMethod::kZScore:
    case rules::OutlierMethod::kIqr:
      j["k"] = r.k;
      break;
    case rules::OutlierMethod::kMad:
      j["threshold"] = r.threshold;
      break;
    case rules::OutlierMethod::kPercentile:
      j["p_lo"] = r.p_lo;
      j["p_hi"] = r.p_hi;
      break;
  }
  j["action"] = r.clip ? "clip" : "drop";
  j["by"] = r.by.empty() ? Json() : Json(r.by);
  Json groups = Json::array();
  for (const OutlierGroupReport& g : o.groups) {
    const outliers::Bounds& b = g.bounds;
    Json group = {{"group", g.group ? Json(*g.group) : Json()},
                  {"count", b.count},
                  {"lo", Number(b.lo)},
                  {"hi", Number(b.hi)},
                  {"flagged", g.flagged}};
    switch (r.method) {
      case rules::OutlierMethod::kZScore:
        group["mean"] = Number(b.mean);
        group["sd"] = Number(b.sd);
        break;
      case rules::OutlierMethod::kMad:
        group["median"] = Number(b.median);
        group["mad"] = Number(b.mad);
        if (b.mad_fallback) group["mean_abs_dev"] = Number(b.mean_abs_dev);
        break;
      case rules::OutlierMethod::kIqr:
        group["q1"] = Number(b.q1);
        group["q3"] = Number(b.q3);
        break;
      case rules::OutlierMethod::kPercentile:
        break;
    }
    groups.push_back(group);
  }
  j["groups"] = groups;
  return j;
}

}  // namespace

Status DatasetVersion(const std::string& dataset_dir,
                      const std::vector<shards::ColumnSpec>& columns,
                      const std::array<std::vector<ShardInfo>, 4>& shards, std::string* version) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                 &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  const std::string schema = SchemaJson(columns).dump();
  XXH3_128bits_update(state.get(), schema.data(), schema.size());
  std::vector<char> buffer(1 << 20);
  for (const auto& set : shards) {
    for (const ShardInfo& shard : set) {
      XXH3_128bits_update(state.get(), shard.path.data(), shard.path.size() + 1);
      const std::string path = dataset_dir + "/" + shard.path;
      std::FILE* f = std::fopen(path.c_str(), "rb");
      if (f == nullptr) return Status::IOError("reading " + path + ": " + std::strerror(errno));
      size_t n;
      while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) {
        XXH3_128bits_update(state.get(), buffer.data(), n);
      }
      const bool failed = std::ferror(f);
      std::fclose(f);
      if (failed) return Status::IOError("reading " + path);
    }
  }
  const XXH128_hash_t h = XXH3_128bits_digest(state.get());
  char hex[40];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  *version = hex;
  return Status::OK();
}

nlohmann::ordered_json RulesReportJson(const PrepareReport& report) {
  Json rules = Json::array();
  for (const rules::RuleCount& c : report.rules) {
    rules.push_back({{"rule", c.rule},
                     {"severity", rules::SeverityName(c.severity)},
                     {"evaluated", c.evaluated},
                     {"failed", c.failed}});
  }
  return rules;
}

nlohmann::ordered_json WarningsJson(const std::vector<PrepareWarning>& warnings) {
  Json out = Json::array();
  for (const PrepareWarning& w : warnings)
    out.push_back({{"kind", w.kind}, {"message", w.message}});
  return out;
}

nlohmann::ordered_json BuildManifest(const ManifestInputs& in, const std::string& version) {
  const rules::RulesConfig& rules = *in.rules;
  const PrepareReport& report = *in.report;
  Json m;
  m["manifest_version"] = 1;
  m["dataset"] = rules.dataset;
  m["version"] = version;
  m["format"] = in.format;
  m["compression"] = in.compression;
  m["source"] = {{"job", in.job->name()},
                 {"run", in.run != 0 ? Json(in.run) : Json()},
                 {"store", in.store_dir},
                 {"job_phase", storage::JobPhaseWord(in.job->phase())},
                 {"job_records", in.job->record_count()},
                 {"job_updated", shards::FormatTimestampMicros(in.job->updated_micros())},
                 {"records_scanned", report.records_scanned}};
  m["rules"] = {{"file", in.rules_path}};
  m["schema"] = SchemaJson(OutputColumns(rules));

  Json splits;
  for (int i = 0; i < 3; ++i) {
    splits[ShardSetName(static_cast<ShardSet>(i))] = ShardSetJson((*in.shards)[i]);
  }
  m["splits"] = splits;
  m["quarantine"] = ShardSetJson((*in.shards)[3]);
  m["quarantine"]["schema"] = SchemaJson(QuarantineColumns());

  Json dropped = Json::object();
  for (const rules::RuleCount& c : report.rules) {
    if (c.severity != rules::Severity::kWarn) dropped[c.rule] = c.failed;
  }
  m["dropped_per_rule"] = dropped;
  m["rules_report"] = RulesReportJson(report);
  m["warnings"] = WarningsJson(report.warnings);

  Json outliers = Json::array();
  for (const OutlierReport& o : report.outliers) outliers.push_back(OutlierJson(o));
  m["outliers"] = outliers;

  const rules::SplitRule& s = rules.split;
  m["split"] = {{"key", s.key.empty() ? Json::array({"source_url", "index_in_page"}) : Json(s.key)},
                {"group", s.group.empty() ? Json() : Json(s.group)},
                {"stratify", s.stratify.empty() ? Json() : Json(s.stratify)},
                {"seed", s.seed},
                {"train", s.train},
                {"validation", s.validation},
                {"test", s.test},
                {"hash", "xxh3_64(seed, key) / 2^64"}};
  return m;
}

}  // namespace gleaner::prepare
