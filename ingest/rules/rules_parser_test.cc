#include "ingest/rules/rules_parser.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

namespace gleaner::rules {
namespace {

using schema::ColumnType;

// Parses `yaml` as "r.yaml", expecting an error, and returns its message after
// checking that the output config was left as it was.
std::string ErrorOf(std::string_view yaml) {
  RulesConfig config;
  config.dataset = "untouched";
  Status s = ParseRulesYaml(yaml, "r.yaml", &config);
  CHECK_FALSE(s.ok());
  CHECK(config.dataset == "untouched");
  CHECK(config.fields.empty());
  CHECK(config.checks.empty());
  return s.message();
}

// Lines 1-4 of most bad files below.
constexpr std::string_view kFields =
    "fields:\n"
    "  title: {type: string}\n"
    "  price: {type: float}\n"
    "  rating: {type: int}\n";

std::string WithFields(std::string_view rest) { return std::string(kFields) + std::string(rest); }

v1::Value Int(int64_t v) {
  v1::Value value;
  value.set_int_value(v);
  return value;
}

v1::Value Text(const std::string& v) {
  v1::Value value;
  value.set_string_value(v);
  return value;
}

bool Same(const v1::Value& a, const v1::Value& b) {
  return a.SerializeAsString() == b.SerializeAsString();
}

TEST_CASE("a full rules file fills every field it sets and keeps defaults for the rest") {
  constexpr std::string_view kRules = R"yaml(dataset: books_v2
fields:
  title:   {type: string, required: true, trim: true, collapse: true, max_length: 200}
  price:   {type: float, parse: currency, format: "1.234,56", min: 0, max: 10000, on_error: null}
  rating:  {type: int, from: stars, map: {One: 1, Two: 2}, allowed: [1, 2, 3], nullable: false}
  genre:   {type: category, case: lower, null_values: [unknown], allowed: [fiction, poetry]}
  updated: {type: timestamp, parse: date, format: "%d/%m/%Y", min: "2000-01-01"}
  in_stock: {type: bool}
  email:   {redact: hash, regex: "@"}
null_values: ["", "N/A"]
checks:
  - {name: has_price, field: price, not_null: true, severity: fail, mostly: 0.95}
  - {name: sane_title, field: title, regex: "\\S", severity: warn}
  - {name: price_cap, condition: "price <= 500"}
  - {name: genre_named, condition: "genre != 'none'"}
  - {name: recent, condition: "updated >= '2020-01-01T00:00:00Z'"}
dedup: {key: title, keep: last}
redact: {patterns: [email, phone], fields: [title]}
salt_env: BOOKS_SALT
outliers:
  - {field: price, method: iqr}
  - {field: price, method: zscore, by: genre, action: clip}
  - {name: rating_tails, field: rating, method: percentile, p_lo: 0.05}
  - {field: price, method: mad}
split: {key: [url, title], seed: 17, train: 0.7, validation: 0.2, test: 0.1}
output: {format: jsonl, compression: none, shard_rows: 1000, metadata_columns: false}
)yaml";
  RulesConfig config;
  Status s = ParseRulesYaml(kRules, "configs/rules/books.yaml", &config);
  REQUIRE(s.message() == "");

  CHECK(config.file == "configs/rules/books.yaml");
  CHECK(config.dataset == "books_v2");
  REQUIRE(config.fields.size() == 7);

  const FieldRule& title = config.fields[0];
  CHECK(title.name == "title");
  CHECK(title.source == "title");
  CHECK(title.type == ColumnType::kString);
  CHECK_FALSE(title.categorical);
  CHECK(title.required);
  CHECK(title.trim);
  CHECK(title.collapse_whitespace);
  CHECK(title.max_length == 200);
  CHECK_FALSE(title.min_length.has_value());
  CHECK(title.on_error == OnError::kDrop);
  CHECK(title.pos.line == 3);
  CHECK(title.pos.column == 3);

  const FieldRule& price = config.fields[1];
  CHECK(price.type == ColumnType::kDouble);
  CHECK(price.parse == ParseMode::kCurrency);
  CHECK(price.format == "1.234,56");
  CHECK(price.min == 0.0);
  CHECK(price.max == 10000.0);
  CHECK(price.on_error == OnError::kNull);
  CHECK_FALSE(price.required);

  const FieldRule& rating = config.fields[2];
  CHECK(rating.source == "stars");
  CHECK(rating.required);  // nullable: false
  REQUIRE(rating.map.size() == 2);
  CHECK(rating.map[0].first == "One");
  CHECK(Same(rating.map[0].second, Int(1)));
  CHECK(rating.map[1].first == "Two");
  CHECK(Same(rating.map[1].second, Int(2)));
  REQUIRE(rating.allowed.size() == 3);
  CHECK(Same(rating.allowed[2], Int(3)));

  const FieldRule& genre = config.fields[3];
  CHECK(genre.type == ColumnType::kString);
  CHECK(genre.categorical);
  CHECK(genre.case_fold == CaseFold::kLower);
  CHECK(genre.null_values == std::vector<std::string>{"unknown"});
  REQUIRE(genre.allowed.size() == 2);
  CHECK(Same(genre.allowed[1], Text("poetry")));

  const FieldRule& updated = config.fields[4];
  CHECK(updated.type == ColumnType::kTimestampMicros);
  CHECK(updated.parse == ParseMode::kDate);
  CHECK(updated.format == "%d/%m/%Y");
  CHECK(updated.min == 946684800.0 * 1e6);  // 2000-01-01T00:00:00Z in micros

  CHECK(config.fields[5].type == ColumnType::kBool);
  const FieldRule& email = config.fields[6];
  CHECK(email.type == ColumnType::kString);
  CHECK_FALSE(email.categorical);
  CHECK(email.redact == RedactMode::kHash);
  CHECK(email.regex == "@");

  CHECK(config.null_values == std::vector<std::string>{"", "N/A"});

  REQUIRE(config.checks.size() == 5);
  const Check& has_price = config.checks[0];
  CHECK(has_price.name == "has_price");
  CHECK(has_price.field == "price");
  CHECK(has_price.not_null);
  CHECK(has_price.severity == Severity::kFail);
  CHECK(has_price.mostly == 0.95);
  CHECK(has_price.pos.line == 12);
  CHECK(has_price.pos.column == 5);
  CHECK(config.checks[1].regex == "\\S");
  CHECK(config.checks[1].severity == Severity::kWarn);
  CHECK(config.checks[1].mostly == 1.0);

  const Check& cap = config.checks[2];
  CHECK(cap.severity == Severity::kDrop);
  CHECK(cap.field.empty());
  CHECK(cap.condition_text == "price <= 500");
  CHECK(cap.op == "<=");
  REQUIRE(cap.left.has_value());
  REQUIRE(cap.right.has_value());
  CHECK(cap.left->field == "price");
  CHECK(cap.right->field.empty());
  CHECK(Same(cap.right->literal, Int(500)));

  const Check& named = config.checks[3];
  CHECK(named.op == "!=");
  CHECK(named.left->field == "genre");
  CHECK(Same(named.right->literal, Text("none")));

  const Check& recent = config.checks[4];
  CHECK(recent.right->literal.timestamp_micros() == 1577836800LL * 1000000);

  CHECK(config.dedup.key == std::vector<std::string>{"title"});
  CHECK(config.dedup.keep == DedupKeep::kLast);

  REQUIRE(config.redact.size() == 1);
  CHECK(config.redact[0].patterns ==
        std::vector<PiiPattern>{PiiPattern::kEmail, PiiPattern::kPhone});
  CHECK(config.redact[0].fields == std::vector<std::string>{"title"});
  CHECK(config.redact[0].mode == RedactMode::kMask);
  CHECK(config.salt.salt.empty());
  CHECK(config.salt.salt_env == "BOOKS_SALT");

  REQUIRE(config.outliers.size() == 4);
  const OutlierRule& iqr = config.outliers[0];
  CHECK(iqr.name == "price.iqr");
  CHECK(iqr.method == OutlierMethod::kIqr);
  CHECK(iqr.k == 1.5);
  CHECK_FALSE(iqr.clip);
  CHECK(iqr.by.empty());
  const OutlierRule& zscore = config.outliers[1];
  CHECK(zscore.name == "price.zscore");
  CHECK(zscore.k == 3.0);
  CHECK(zscore.clip);
  CHECK(zscore.by == "genre");
  const OutlierRule& tails = config.outliers[2];
  CHECK(tails.name == "rating_tails");
  CHECK(tails.method == OutlierMethod::kPercentile);
  CHECK(tails.p_lo == 0.05);
  CHECK(tails.p_hi == 0.99);
  const OutlierRule& mad = config.outliers[3];
  CHECK(mad.name == "price.mad");
  CHECK(mad.threshold == 3.5);

  CHECK(config.split.key == std::vector<std::string>{"source_url", "title"});
  CHECK(config.split.group.empty());
  CHECK(config.split.seed == 17);
  CHECK(config.split.train == 0.7);
  CHECK(config.split.validation == 0.2);
  CHECK(config.split.test == 0.1);

  CHECK(config.output.format == shards::Format::kJsonl);
  CHECK(config.output.compression == shards::Compression::kNone);
  CHECK(config.output.shard_rows == 1000);
  CHECK_FALSE(config.output.metadata_columns);
}

TEST_CASE("a minimal rules file takes every default") {
  RulesConfig config;
  REQUIRE(ParseRulesYaml("fields: {title: {}}\n", "configs/rules/shop.yaml", &config).ok());
  CHECK(config.dataset == "shop");  // the file's stem
  REQUIRE(config.fields.size() == 1);
  CHECK(config.fields[0].type == ColumnType::kString);
  CHECK_FALSE(config.fields[0].categorical);
  CHECK(config.fields[0].source == "title");
  CHECK_FALSE(config.fields[0].required);
  CHECK(config.checks.empty());
  CHECK(config.dedup.key.empty());
  CHECK(config.redact.empty());
  CHECK(config.salt.salt_env == "GLEANER_REDACT_SALT");
  CHECK(config.split.key.empty());  // the record's identity
  CHECK(config.split.train == 0.8);
  CHECK(config.split.validation == 0.1);
  CHECK(config.split.test == 0.1);
  CHECK(config.output.format == shards::Format::kParquet);
  CHECK(config.output.compression == shards::Compression::kZstd);
  CHECK(config.output.shard_rows == 250000);
  CHECK(config.output.metadata_columns);
}

TEST_CASE("field errors point at the offending key or value") {
  SECTION("a misspelt key suggests the right one") {
    CHECK_THAT(
        ErrorOf("fields:\n  title: {tpye: string}\n"),
        Catch::StartsWith("r.yaml:2:11: fields.title: unknown key 'tpye' (did you mean 'type'?)"));
  }
  SECTION("a word where a number belongs") {
    CHECK(ErrorOf("fields:\n  price: {type: float, min: abc}\n") ==
          "r.yaml:2:29: fields.price.min: expected a number, got \"abc\"");
  }
  SECTION("an unknown type") {
    CHECK(ErrorOf("fields:\n  rating: {type: integer}\n") ==
          "r.yaml:2:18: fields.rating.type: expected 'string', 'int', 'float', 'bool', "
          "'timestamp' or 'category', got \"integer\"");
  }
  SECTION("a regex RE2 rejects, with RE2's reason") {
    CHECK(ErrorOf("fields:\n  title: {regex: \"a(b\"}\n") ==
          "r.yaml:2:18: fields.title.regex: expected an RE2 regular expression, got \"a(b\" "
          "(missing ): a(b)");
  }
  SECTION("a field declared twice") {
    CHECK(ErrorOf("fields:\n  title: {type: string}\n  title: {type: int}\n") ==
          "r.yaml:3:3: fields: duplicate key 'title' (first defined at line 2, column 3)");
  }
  SECTION("a map value that is not an int for an int field") {
    CHECK(ErrorOf("fields:\n  rating: {type: int, map: {One: 1, Two: two}}\n") ==
          "r.yaml:2:42: fields.rating.map.Two: expected an integer, got \"two\" ('rating' is an "
          "int field)");
  }
  SECTION("parse: currency on a string field") {
    CHECK(ErrorOf("fields:\n  title: {parse: currency}\n") ==
          "r.yaml:2:18: fields.title.parse: parse: currency applies to int and float fields; "
          "'title' is a string field");
  }
  SECTION("parse: date on a float field") {
    CHECK(ErrorOf("fields:\n  price: {type: float, parse: date}\n") ==
          "r.yaml:2:31: fields.price.parse: parse: date applies to timestamp fields; 'price' is "
          "a float field");
  }
  SECTION("a number format other than the two conventions") {
    CHECK_THAT(
        ErrorOf("fields:\n  price: {type: float, parse: number, format: \"1 234.56\"}\n"),
        Catch::StartsWith("r.yaml:2:47: fields.price.format: expected '1,234.56' or '1.234,56'"));
  }
  SECTION("required: true with nullable: true") {
    CHECK_THAT(ErrorOf("fields:\n  title: {required: true, nullable: true}\n"),
               Catch::StartsWith("r.yaml:2:37: fields.title.nullable: nullable: true contradicts "
                                 "required: true"));
  }
  SECTION("min on a string field") {
    CHECK_THAT(ErrorOf("fields:\n  title: {min: 3}\n"),
               Catch::StartsWith("r.yaml:2:16: fields.title.min: min applies to int, float and "
                                 "timestamp fields; 'title' is a string field"));
  }
  SECTION("a timestamp bound that is not ISO-8601") {
    CHECK_THAT(
        ErrorOf("fields:\n  at: {type: timestamp, min: 31/01/2024}\n"),
        Catch::StartsWith("r.yaml:2:30: fields.at.min: expected an ISO-8601 date or date-time"));
  }
  SECTION("a field named like a metadata column") {
    CHECK_THAT(
        ErrorOf("fields:\n  title: {}\n  source_url: {}\n"),
        Catch::StartsWith("r.yaml:3:3: fields: 'source_url' is a metadata column of the output"));
  }
}

TEST_CASE("a field map dedented to the top level is an unknown top-level key") {
  // `type:` lost its indentation, so it is a key of the file, not of price.
  constexpr std::string_view kRules =
      "fields:\n"
      "  title:\n"
      "    type: string\n"
      "  price:\n"
      "type: float\n";
  CHECK_THAT(ErrorOf(kRules),
             Catch::StartsWith("r.yaml:5:1: unknown key 'type'; allowed keys are dataset, "));
}

TEST_CASE("check errors") {
  SECTION("two checks with one name") {
    CHECK(ErrorOf(WithFields("checks:\n"
                             "  - {name: c1, field: price, not_null: true}\n"
                             "  - {name: c1, field: title, not_null: true}\n")) ==
          "r.yaml:7:12: checks[1].name: duplicate name 'c1': already used by the check at line "
          "6, column 5");
  }
  SECTION("a check named like a field rule") {
    CHECK(ErrorOf(WithFields("checks:\n  - {name: price.min, field: price, min: 1}\n")) ==
          "r.yaml:6:12: checks[0].name: duplicate name 'price.min': already used by the min "
          "rule of field 'price'");
  }
  SECTION("an undeclared field suggests the closest declared one") {
    CHECK(ErrorOf(WithFields("checks:\n  - {name: c, field: prcie, not_null: true}\n")) ==
          "r.yaml:6:22: checks[0].field: expected a field declared under 'fields' (title, "
          "price, rating), got \"prcie\" (did you mean 'price'?)");
  }
  SECTION("mostly without severity: fail") {
    CHECK_THAT(
        ErrorOf(WithFields("checks:\n  - {name: c, field: price, not_null: true, mostly: 0.9}\n")),
        Catch::StartsWith("r.yaml:6:53: checks[0].mostly: mostly only applies to severity: "
                          "fail"));
  }
  SECTION("two predicates in one check") {
    CHECK_THAT(
        ErrorOf(WithFields("checks:\n  - {name: c, field: title, not_null: true, regex: x}\n")),
        Catch::StartsWith("r.yaml:6:52: checks[0].regex: a check has exactly one predicate, "
                          "got 'not_null' and 'regex'"));
  }
  SECTION("no predicate at all") {
    CHECK_THAT(ErrorOf(WithFields("checks:\n  - {name: c, field: title}\n")),
               Catch::StartsWith("r.yaml:6:5: checks[0]: expected one predicate"));
  }
  SECTION("a single-field predicate without a field") {
    CHECK(ErrorOf(WithFields("checks:\n  - {name: c, not_null: true}\n")) ==
          "r.yaml:6:5: checks[0]: missing required key 'field'");
  }
  SECTION("a condition with a field") {
    CHECK_THAT(
        ErrorOf(WithFields("checks:\n  - {name: c, field: price, condition: \"price > 0\"}\n")),
        Catch::StartsWith("r.yaml:6:22: checks[0].field: a condition check names its fields in "
                          "the condition"));
  }
  SECTION("a condition naming an undeclared field") {
    CHECK_THAT(ErrorOf(WithFields("checks:\n  - {name: c, condition: \"prise > 0\"}\n")),
               Catch::StartsWith("r.yaml:6:26: checks[0].condition: expected a condition LEFT OP "
                                 "RIGHT"));
    CHECK_THAT(ErrorOf(WithFields("checks:\n  - {name: c, condition: \"prise > 0\"}\n")),
               Catch::EndsWith("'prise' is neither a declared field (title, price, rating) nor a "
                               "number; did you mean 'price'?)"));
  }
  SECTION("a condition without an operator") {
    CHECK_THAT(ErrorOf(WithFields("checks:\n  - {name: c, condition: \"price = 0\"}\n")),
               Catch::StartsWith("r.yaml:6:26: checks[0].condition: expected a condition"));
  }
  SECTION("a condition comparing a number field with text") {
    CHECK_THAT(ErrorOf(WithFields("checks:\n  - {name: c, condition: \"price < title\"}\n")),
               Catch::EndsWith("(the two sides have different types)"));
  }
}

TEST_CASE("dedup, redact and outlier errors") {
  SECTION("an undeclared dedup key") {
    CHECK(ErrorOf(WithFields("dedup: {key: [titel]}\n")) ==
          "r.yaml:5:15: dedup.key[0]: expected a field declared under 'fields' (title, price, "
          "rating), got \"titel\" (did you mean 'title'?)");
  }
  SECTION("redaction of a float field") {
    CHECK_THAT(ErrorOf(WithFields("redact: {patterns: [email], fields: [price]}\n")),
               Catch::StartsWith("r.yaml:5:38: redact.fields[0]: redaction applies to string and "
                                 "category fields; 'price' is a float field"));
  }
  SECTION("an undeclared outlier field") {
    CHECK(ErrorOf(WithFields("outliers:\n  - {field: prise, method: iqr}\n")) ==
          "r.yaml:6:13: outliers[0].field: expected a field declared under 'fields' (title, "
          "price, rating), got \"prise\" (did you mean 'price'?)");
  }
  SECTION("threshold belongs to mad, not iqr") {
    CHECK(ErrorOf(WithFields("outliers:\n  - {field: price, method: iqr, threshold: 2}\n")) ==
          "r.yaml:6:33: outliers[0]: 'threshold' does not apply to method iqr, which takes k");
  }
  SECTION("an outlier on a string field") {
    CHECK_THAT(ErrorOf(WithFields("outliers:\n  - {field: title, method: mad}\n")),
               Catch::StartsWith("r.yaml:6:13: outliers[0].field: outliers apply to int and float "
                                 "fields"));
  }
  SECTION("two outliers with the same default name") {
    CHECK(ErrorOf(WithFields("outliers:\n  - {field: price, method: iqr}\n"
                             "  - {field: price, method: iqr, k: 3}\n")) ==
          "r.yaml:7:5: outliers[1]: duplicate name 'price.iqr': already used by the outlier "
          "rule at line 6, column 5");
  }
  SECTION("percentile bounds out of order") {
    CHECK(ErrorOf(WithFields(
              "outliers:\n  - {field: price, method: percentile, p_lo: 0.9, p_hi: 0.1}\n")) ==
          "r.yaml:6:57: outliers[0].p_hi: p_lo must be below p_hi");
  }
}

TEST_CASE("split errors") {
  SECTION("an undeclared split field") {
    CHECK(ErrorOf(WithFields("split: {key: url, stratify: ratng}\n")) ==
          "r.yaml:5:29: split.stratify: expected a field declared under 'fields' (title, "
          "price, rating), got \"ratng\" (did you mean 'rating'?)");
  }
  SECTION("fractions that do not sum to 1") {
    CHECK(ErrorOf(WithFields("split: {train: 0.8, validation: 0.1, test: 0.2}\n")) ==
          "r.yaml:5:8: split: train + validation + test must sum to 1, got 0.8 + 0.1 + 0.2 = "
          "1.1");
  }
  SECTION("only some fractions") {
    CHECK_THAT(ErrorOf(WithFields("split: {train: 0.9}\n")),
               Catch::StartsWith("r.yaml:5:8: split: missing validation, test: give train, "
                                 "validation and test together"));
  }
  SECTION("group with stratify") {
    CHECK_THAT(ErrorOf(WithFields("split: {group: title, stratify: rating}\n")),
               Catch::StartsWith("r.yaml:5:33: split.stratify: stratify cannot be combined with "
                                 "group"));
  }
}

TEST_CASE(
    "a monitor block sets its baseline, on_drift and thresholds, per field over the defaults") {
  RulesConfig config;
  REQUIRE(ParseRulesYaml(WithFields(R"yaml(monitor:
  baseline: 0123456789abcdef0123456789abcdef
  on_drift: fail
  alpha: 0.01
  psi: 0.3
  fields:
    price: {normalized_wasserstein: {possible: 0.2, drift: 0.4}, null_rate_change: 0.005}
    title: {ignore: true}
)yaml"),
                         "r.yaml", &config)
              .ok());
  REQUIRE(config.monitor);
  const MonitorRule& m = *config.monitor;
  CHECK(m.baseline == "0123456789abcdef0123456789abcdef");
  CHECK(m.baseline_pos.line == 6);
  CHECK(m.baseline_pos.column == 13);
  CHECK(m.on_drift == OnDrift::kFail);
  CHECK(m.verdict.alpha == 0.01);
  // A number is the drift threshold; possible stays at its default below it.
  CHECK(m.verdict.psi.drift == 0.3);
  CHECK(m.verdict.psi.possible == drift::VerdictOptions().psi.possible);
  const drift::EffectLimits& price = m.verdict.For("price");
  CHECK(price.normalized_wasserstein.possible == 0.2);
  CHECK(price.normalized_wasserstein.drift == 0.4);
  // Lowered below the default possible threshold, which follows it down.
  CHECK(price.null_rate_change.drift == 0.005);
  CHECK(price.null_rate_change.possible == 0.005);
  CHECK(price.psi.drift == 0.3);  // the monitor's own, for what the field does not set
  CHECK(m.verdict.Ignored("title"));
  CHECK_FALSE(m.verdict.Ignored("price"));
  CHECK_FALSE(m.verdict.Ignored("rating"));
  // The crawl's columns are ignored unless named.
  CHECK(m.verdict.Ignored("fetch_time"));
  CHECK(m.verdict.Ignored("source_url"));
}

TEST_CASE("a monitor block takes previous and warn by default, and is absent without the key") {
  RulesConfig config;
  REQUIRE(
      ParseRulesYaml(WithFields("monitor: {fields: {fetch_time: {}}}\n"), "r.yaml", &config).ok());
  REQUIRE(config.monitor);
  CHECK(config.monitor->baseline.empty());
  CHECK(config.monitor->on_drift == OnDrift::kWarn);
  CHECK_FALSE(config.monitor->verdict.Ignored("fetch_time"));  // named: judged
  CHECK(config.monitor->verdict.Ignored("source_url"));
  REQUIRE(ParseRulesYaml(WithFields("monitor: {baseline: previous}\n"), "r.yaml", &config).ok());
  CHECK(config.monitor->baseline.empty());
  REQUIRE(ParseRulesYaml(kFields, "r.yaml", &config).ok());
  CHECK_FALSE(config.monitor);
}

TEST_CASE("monitor errors") {
  SECTION("an unknown key") {
    CHECK_THAT(ErrorOf(WithFields("monitor: {baseline: previous, on_drfit: fail}\n")),
               Catch::StartsWith("r.yaml:5:31: monitor: unknown key 'on_drfit'"));
  }
  SECTION("a baseline that is neither previous nor a version") {
    CHECK_THAT(ErrorOf(WithFields("monitor: {baseline: last}\n")),
               Catch::StartsWith("r.yaml:5:21: monitor.baseline: expected previous or a dataset "
                                 "version"));
  }
  SECTION("an unknown on_drift") {
    CHECK_THAT(ErrorOf(WithFields("monitor: {on_drift: stop}\n")),
               Catch::StartsWith(
                   "r.yaml:5:21: monitor.on_drift: expected 'warn' or 'fail', got \"stop\""));
  }
  SECTION("a field the rules do not write") {
    CHECK(ErrorOf(WithFields("monitor:\n  fields:\n    prcie: {ignore: true}\n")) ==
          "r.yaml:7:5: monitor.fields: expected a field declared under 'fields' or an output "
          "column (title, price, rating, source_url, fetch_time), got \"prcie\" (did you mean "
          "'price'?)");
  }
  SECTION("a metadata column the output leaves out") {
    CHECK_THAT(ErrorOf(WithFields("output: {metadata_columns: false}\n"
                                  "monitor: {fields: {fetch_time: {ignore: true}}}\n")),
               Catch::StartsWith("r.yaml:6:20: monitor.fields: expected a field declared"));
  }
  SECTION("possible above drift") {
    CHECK(ErrorOf(WithFields("monitor: {fields: {price: {psi: {possible: 0.5, drift: 0.2}}}}\n")) ==
          "r.yaml:5:33: monitor.fields.price.psi: possible (0.5) is above drift (0.2)");
  }
  SECTION("an unknown threshold of a field") {
    CHECK_THAT(ErrorOf(WithFields("monitor: {fields: {price: {wasserstein: 0.2}}}\n")),
               Catch::StartsWith("r.yaml:5:28: monitor.fields.price: unknown key 'wasserstein'"));
  }
  SECTION("an alpha of 0") {
    CHECK_THAT(ErrorOf(WithFields("monitor: {alpha: 0}\n")),
               Catch::StartsWith("r.yaml:5:18: monitor.alpha: expected a number between 0 and 1"));
  }
}

TEST_CASE("redact takes one rule or a list of them") {
  RulesConfig config;
  Status s = ParseRulesYaml(WithFields("redact:\n"
                                       "  - {patterns: email}\n"
                                       "  - {patterns: [phone], fields: [title], mode: hash}\n"
                                       "salt: pepper\n"),
                            "r.yaml", &config);
  REQUIRE(s.message() == "");
  REQUIRE(config.redact.size() == 2);
  CHECK(config.redact[0].patterns == std::vector<PiiPattern>{PiiPattern::kEmail});
  CHECK(config.redact[0].fields.empty());  // every string field
  CHECK(config.redact[0].mode == RedactMode::kMask);
  CHECK(config.redact[1].patterns == std::vector<PiiPattern>{PiiPattern::kPhone});
  CHECK(config.redact[1].mode == RedactMode::kHash);
  CHECK(config.salt.salt == "pepper");

  CHECK(ErrorOf(WithFields("salt: pepper\nsalt_env: PEPPER\n")) ==
        "r.yaml:6:11: salt_env: give either salt or salt_env, not both");
}

TEST_CASE("salt_env is read when the rules are loaded, and a literal salt wins over it") {
  setenv("GLEANER_TEST_SALT_FOR_RULES", "Jefe", 1);
  RulesConfig from_env;
  Status s =
      ParseRulesYaml(WithFields("salt_env: GLEANER_TEST_SALT_FOR_RULES\n"), "r.yaml", &from_env);
  RulesConfig literal;
  Status t = ParseRulesYaml(WithFields("salt: pepper\n"), "r.yaml", &literal);
  unsetenv("GLEANER_TEST_SALT_FOR_RULES");
  REQUIRE(s.message() == "");
  REQUIRE(t.message() == "");
  CHECK(from_env.salt.salt == "Jefe");
  CHECK(literal.salt.salt == "pepper");

  RulesConfig unset;
  REQUIRE(ParseRulesYaml(WithFields("salt_env: GLEANER_TEST_SALT_FOR_RULES\n"), "r.yaml", &unset)
              .message() == "");
  CHECK(unset.salt.salt.empty());
}

TEST_CASE("the books rules parse") {
  RulesConfig config;
  Status s = ParseRulesFile(std::string(GLEANER_SOURCE_DIR) + "/configs/rules/books.yaml", &config);
  REQUIRE(s.message() == "");
  CHECK(config.dataset == "books");
  REQUIRE(config.fields.size() == 5);
  CHECK(config.fields[2].name == "rating");
  REQUIRE(config.fields[2].map.size() == 5);
  CHECK(config.fields[2].map[2].first == "star-rating Three");
  CHECK(Same(config.fields[2].map[2].second, Int(3)));
}

TEST_CASE("an unreadable rules file is an IOError") {
  RulesConfig config;
  Status s = ParseRulesFile("/nonexistent/rules.yaml", &config);
  CHECK(s.code() == Status::Code::kIOError);
}

}  // namespace
}  // namespace gleaner::rules
