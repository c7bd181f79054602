// RulesConfig: a rules file (configs/rules/*.yaml, shape in shared/PRODUCT.md)
// as parsed and validated by rules_parser.h. Plain copyable data: every field
// here is already valid (regexes compile under RE2, names are unique, fields a
// check, dedup key, outlier or split names are declared, fractions sum to 1).
// Order of operations when applied: coerce → validate → dedup → outliers → split.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/word_table.h"
#include "ingest/drift/field_verdict.h"
#include "ingest/shards/shard_writer.h"
#include "schema/column_type.h"
#include "schema/gleaner.pb.h"

namespace gleaner::rules {

// Where a rule came from, so run-time messages can point at it.
struct SourcePos {
  int line = 0;  // 1-based; 0 = not from a file
  int column = 0;
};

// What a field's `type:` declares: the column type it is coerced to and
// written as, and whether that column is categorical (`category`: a string
// from a small set of values, which clients may hold as categories).
struct DeclaredType {
  schema::ColumnType type = schema::ColumnType::kString;
  bool categorical = false;
};
// The words of `type:`, read (rules_parser.cc) and printed ("'price' is a
// float field") from this one table.
inline constexpr std::pair<std::string_view, DeclaredType> kTypeWords[] = {
    {"string", {schema::ColumnType::kString}},
    {"int", {schema::ColumnType::kInt64}},
    {"float", {schema::ColumnType::kDouble}},
    {"bool", {schema::ColumnType::kBool}},
    {"timestamp", {schema::ColumnType::kTimestampMicros}},
    {"category", {schema::ColumnType::kString, true}},
};
// How scraped text becomes a number or a time before type checking.
//   currency: "$1,234.50", "1.234,50 €", "(12.00)" → -12; symbols and ISO codes stripped
//   number:   "1,234.5", " 12 " ; percent: "12.5%" → 0.125 ; date: by `format`
enum class ParseMode { kNone, kCurrency, kNumber, kPercent, kDate };
enum class CaseFold { kNone, kLower, kUpper };
enum class RedactMode { kNone, kMask, kHash };
enum class OnError { kDrop, kNull };
enum class Severity { kDrop, kWarn, kFail };
// The words the rules file spells them with (a field's `redact:` and a
// redaction's `mode:` share one vocabulary).
inline constexpr WordPair<RedactMode> kRedactModeWords[] = {{"mask", RedactMode::kMask},
                                                            {"hash", RedactMode::kHash}};
inline constexpr WordPair<Severity> kSeverityWords[] = {
    {"drop", Severity::kDrop}, {"warn", Severity::kWarn}, {"fail", Severity::kFail}};

struct FieldRule {
  std::string name;    // output column name
  std::string source;  // staged field it is read from (`from:`); defaults to name
  schema::ColumnType type = schema::ColumnType::kString;
  bool categorical = false;  // see DeclaredType
  ParseMode parse = ParseMode::kNone;
  // parse: date → strftime-style format ("%Y-%m-%d", "%d/%m/%Y %H:%M"); empty = ISO 8601.
  // parse: currency|number → decimal separator convention: "1,234.56" (default) or "1.234,56".
  std::string format;
  // required: true (or nullable: false) → an absent or null value drops the row,
  // and the output column is non-nullable.
  bool required = false;
  std::vector<std::string> null_values;  // added to RulesConfig::null_values for this field
  bool trim = false;                     // strip leading/trailing whitespace
  bool collapse_whitespace = false;      // runs of whitespace → one space (implies trim)
  CaseFold case_fold = CaseFold::kNone;
  // Exact-match replacements applied to the text after trim/case folding and
  // before type coercion; the mapped value is coerced like scraped text.
  std::vector<std::pair<std::string, v1::Value>> map;
  std::string regex;               // RE2; the text must contain a match (RE2::PartialMatch)
  std::vector<v1::Value> allowed;  // typed like the field; empty = any value
  std::optional<double> min, max;  // int / float / timestamp (micros) fields, inclusive
  std::optional<int64_t> min_length, max_length;  // string / category, in code points
  OnError on_error = OnError::kDrop;  // a value that does not coerce: drop the row or null it
  RedactMode redact = RedactMode::kNone;
  SourcePos pos;
  SourcePos source_pos;  // of the `from:` value, or of the field's name when it has none
};

// A named check on typed values, run after every field has been coerced.
// Exactly one of the predicate groups is set.
struct Check {
  std::string name;
  Severity severity = Severity::kDrop;
  // Severity::kFail: the whole dataset is aborted when the fraction of rows
  // passing this check is below `mostly` (1.0 = any failure aborts). Rows
  // failing a fail-check are quarantined like drop.
  double mostly = 1.0;
  std::string field;  // single-field predicates below apply to this field
  bool not_null = false;
  std::string regex;
  std::vector<v1::Value> allowed;
  std::optional<double> min, max;
  std::optional<int64_t> min_length, max_length;
  // Cross-field condition "LEFT OP RIGHT", OP one of < <= > >= == !=; each side
  // a declared field name or a literal (number or quoted string). A row where
  // either side is null passes (nulls are not_null's business).
  struct Operand {
    std::string field;  // set for a field reference
    v1::Value literal;  // otherwise
  };
  std::optional<Operand> left, right;
  std::string op;
  std::string condition_text;  // as written, for reasons
  SourcePos pos;
};

enum class DedupKeep { kFirst, kLast };  // by fetch time; ties by staging order
struct DedupRule {
  std::vector<std::string> key;  // declared field names; empty = no dedup
  DedupKeep keep = DedupKeep::kFirst;
  SourcePos pos;
};

// Redaction of PII patterns inside string fields (besides per-field `redact`).
enum class PiiPattern { kEmail, kPhone };
struct RedactRule {
  std::vector<PiiPattern> patterns;
  std::vector<std::string> fields;  // empty = every string / category field
  RedactMode mode = RedactMode::kMask;
  SourcePos pos;
};
// Salt for RedactMode::kHash (HMAC-SHA-256, hex): the literal `salt`, or the
// environment variable named by `salt_env` (default GLEANER_REDACT_SALT),
// which the parser reads into `salt` when it loads the rules; applying a hash
// redaction with an empty `salt` is an error naming `salt_env`.
struct RedactSalt {
  std::string salt;
  std::string salt_env = "GLEANER_REDACT_SALT";
};

enum class OutlierMethod { kZScore, kMad, kIqr, kPercentile };
inline constexpr WordPair<OutlierMethod> kOutlierMethodWords[] = {
    {"zscore", OutlierMethod::kZScore},
    {"mad", OutlierMethod::kMad},
    {"iqr", OutlierMethod::kIqr},
    {"percentile", OutlierMethod::kPercentile}};
struct OutlierRule {
  std::string name;   // `name:` or "FIELD.METHOD" ("price.iqr")
  std::string field;  // a declared int or float field
  OutlierMethod method = OutlierMethod::kIqr;
  double k = 1.5;          // iqr fence multiplier (default 1.5); zscore threshold (default 3)
  double threshold = 3.5;  // mad: modified z-score threshold
  double p_lo = 0.01, p_hi = 0.99;  // percentile: keep range as quantiles in [0, 1]
  bool clip = false;                // `action: clip`: clamp to the bounds instead of dropping
  std::string by;                   // optional group field: statistics per distinct value
  SourcePos pos;
};

struct SplitRule {
  // Declared fields, or "url" / "source_url". Empty (the default): the record's
  // identity, source_url and index_in_page, so each record of a page hashes alone.
  std::vector<std::string> key;
  std::string group;     // optional: rows sharing this field's value share a split
  std::string stratify;  // optional: keep this field's class proportions per split
  uint64_t seed = 0;
  double train = 0.8, validation = 0.1, test = 0.1;  // sum to 1
  SourcePos pos;
};

struct OutputRule {
  shards::Format format = shards::Format::kParquet;
  shards::Compression compression = shards::Compression::kZstd;
  int64_t shard_rows = 250000;
  bool metadata_columns = true;  // append source_url and fetch_time columns
};

// `monitor:`: compare each prepared dataset with a baseline before
// publishing it (ingest/prepare/drift_monitor.h, docs/prepare.md#monitor).
enum class OnDrift { kWarn, kFail };
inline constexpr WordPair<OnDrift> kOnDriftWords[] = {{"warn", OnDrift::kWarn},
                                                      {"fail", OnDrift::kFail}};
struct MonitorRule {
  // Empty: `previous`, the dataset being replaced; otherwise a dataset
  // version (32 hex digits) that the output directory holds or remembers.
  std::string baseline;
  OnDrift on_drift = OnDrift::kWarn;
  // alpha, small_sample_max, the effect thresholds, and `fields:` overrides.
  // The metadata columns (source_url, fetch_time) are ignored unless a
  // `fields:` entry names them: they describe the crawl, and a re-crawl moves them.
  drift::VerdictOptions verdict;
  SourcePos pos;           // of `monitor:`
  SourcePos baseline_pos;  // of `baseline:`, for "no such version" errors
};

struct RulesConfig {
  std::string file;                      // path or display name the rules were read from
  std::string dataset;                   // dataset name (`dataset:`), defaults to the file's stem
  std::vector<FieldRule> fields;         // output columns, in file order
  std::vector<std::string> null_values;  // text that means null, compared after trim/case
  std::vector<Check> checks;
  DedupRule dedup;
  std::vector<RedactRule> redact;
  RedactSalt salt;
  std::vector<OutlierRule> outliers;
  SplitRule split;
  OutputRule output;
  std::optional<MonitorRule> monitor;  // absent: no comparison
};

// The `type:` word of a field: "int", "category", ...
std::string_view FieldTypeName(const FieldRule& field);
// The words the rules file spells them with: "drop", "zscore", ...
const char* SeverityName(Severity severity);
const char* OutlierMethodName(OutlierMethod method);

}  // namespace gleaner::rules
