#include "ingest/rules/rules_parser.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/yaml_reader.h"
#include "ingest/rules/value_coercion.h"

namespace gleaner::rules {

using schema::ColumnType;

namespace {

using yaml::MapReader;
using yaml::Node;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();

const std::vector<std::string_view> kTopKeys = {"dataset",  "fields", "null_values", "checks",
                                                "dedup",    "redact", "salt",        "salt_env",
                                                "outliers", "split",  "output",      "monitor"};
const std::vector<std::string_view> kFieldKeys = {
    "type",        "from",       "parse",
    "format",      "required",   "nullable",
    "null_values", "trim",       "collapse_whitespace",
    "collapse",    "case",       "map",
    "regex",       "allowed",    "min",
    "max",         "min_length", "max_length",
    "on_error",    "redact"};
const std::vector<std::string_view> kCheckKeys = {
    "name",    "field", "severity", "mostly",     "not_null",   "regex",
    "allowed", "min",   "max",      "min_length", "max_length", "condition"};
const std::vector<std::string_view> kDedupKeys = {"key", "keep"};
const std::vector<std::string_view> kRedactKeys = {"patterns", "fields", "mode"};
const std::vector<std::string_view> kOutlierKeys = {"name", "field", "method", "k", "threshold",
                                                    "p_lo", "p_hi",  "action", "by"};
const std::vector<std::string_view> kSplitKeys = {"key",   "group",      "stratify", "seed",
                                                  "train", "validation", "test"};
const std::vector<std::string_view> kOutputKeys = {"format", "compression", "shard_rows",
                                                   "metadata_columns"};
const std::vector<std::string_view> kMonitorKeys = [] {
  std::vector<std::string_view> keys = {"baseline", "on_drift", "alpha", "small_sample_max",
                                        "fields"};
  for (const auto& [name, member] : drift::kEffectNames) keys.push_back(name);
  return keys;
}();
const std::vector<std::string_view> kMonitorFieldKeys = [] {
  std::vector<std::string_view> keys = {"ignore"};
  for (const auto& [name, member] : drift::kEffectNames) keys.push_back(name);
  return keys;
}();
const std::vector<std::string_view> kThresholdKeys = {"possible", "drift"};
// A dataset version as the manifest writes it: hex XXH3-128.
constexpr size_t kVersionDigits = 32;
// Keys of an outlier rule that only some methods take.
const std::vector<std::string_view> kOutlierMethodKeys = {"k", "threshold", "p_lo", "p_hi"};
// Field constraints the row cleaner counts and reports as "FIELD.CONSTRAINT":
// a check or outlier named like one would share its counter in the manifest.
const std::vector<std::string_view> kFieldRuleNames = {
    "type", "required", "regex", "allowed", "min", "max", "min_length", "max_length"};
// Columns appended when output.metadata_columns is true.
const std::vector<std::string_view> kMetadataColumns = {"source_url", "fetch_time"};
// Conversions ParseDate (value_coercion.h) understands.
constexpr std::string_view kDateConversions = "YmdeHIMSybBhaApfz%";

SourcePos PosOf(const Node& node) { return SourcePos{node.line(), node.column()}; }

bool IsText(ColumnType type) { return type == ColumnType::kString; }  // category fields too
bool IsNumeric(ColumnType type) {
  return type == ColumnType::kInt64 || type == ColumnType::kDouble;
}
bool IsOrdered(ColumnType type) { return IsNumeric(type) || type == ColumnType::kTimestampMicros; }

// "'price' is a float field", the reason half of a type mismatch.
std::string TypeOf(const FieldRule& field) {
  const std::string type(FieldTypeName(field));
  const char* article = type == "int" ? "an" : "a";
  return "'" + field.name + "' is " + article + " " + type + " field";
}

std::string Join(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view word : words) out += (out.empty() ? "" : ", ") + std::string(word);
  return out;
}

bool Readable(const Node& node) { return node.present() && node.ok(); }

// An ISO-8601 date or date-time as UTC micros, read exactly as the coercer
// reads a timestamp field without a format.
std::optional<int64_t> ParseIsoMicros(std::string_view text) {
  int64_t micros = 0;
  if (!ParseDate(text, "", &micros)) return std::nullopt;
  return micros;
}

bool ReadTimestamp(const Node& node, int64_t* out) {
  if (!Readable(node)) return false;
  std::optional<int64_t> micros;
  if (node.IsScalar()) {
    std::string text;
    node.ReadString(&text);
    micros = ParseIsoMicros(text);
  }
  if (!micros) {
    node.FailExpected("an ISO-8601 date or date-time such as 2024-01-31 or 2024-01-31T08:00:00Z");
    return false;
  }
  *out = *micros;
  return true;
}

// A scalar typed like `field`: what its `allowed:` and `map:` values hold.
bool ReadValue(const Node& node, const FieldRule& field, v1::Value* out) {
  if (!Readable(node)) return false;
  switch (field.type) {
    case ColumnType::kString: {
      std::string text;
      if (!node.ReadString(&text)) return false;
      out->set_string_value(std::move(text));
      return true;
    }
    case ColumnType::kInt64: {
      std::string text;
      int64_t value = 0;
      bool parsed = false;
      if (node.IsScalar()) {
        node.ReadString(&text);
        std::string_view digits = text;
        if (digits.starts_with('+')) digits.remove_prefix(1);
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        parsed = error == std::errc() && end == digits.data() + digits.size() && !digits.empty();
      }
      if (!parsed) {
        node.FailExpected("an integer", TypeOf(field));
        return false;
      }
      out->set_int_value(value);
      return true;
    }
    case ColumnType::kDouble: {
      double value = 0;
      if (!node.ReadDouble(-kInf, kInf, &value)) return false;
      out->set_double_value(value);
      return true;
    }
    case ColumnType::kBool: {
      bool value = false;
      if (!node.ReadBool(&value)) return false;
      out->set_bool_value(value);
      return true;
    }
    case ColumnType::kTimestampMicros: {
      int64_t micros = 0;
      if (!ReadTimestamp(node, &micros)) return false;
      out->set_timestamp_micros(micros);
      return true;
    }
  }
  return false;
}

void ReadAllowed(const Node& node, const FieldRule& field, std::vector<v1::Value>* out) {
  for (const Node& item : node.Items()) ReadValue(item, field, &out->emplace_back());
  if (node.IsList() && out->empty()) node.FailExpected("a list of at least one value");
}

// min/max of an int, float or timestamp field; timestamps are written in
// ISO-8601 and kept as micros.
void ReadBounds(const MapReader& map, const FieldRule& field, std::optional<double>* min,
                std::optional<double>* max) {
  for (auto [key, out] : {std::pair{"min", min}, std::pair{"max", max}}) {
    Node node = map.Get(key);
    if (!Readable(node)) continue;
    if (!IsOrdered(field.type)) {
      node.Fail(std::string(key) + " applies to int, float and timestamp fields; " + TypeOf(field) +
                " (use min_length/max_length for text)");
      return;
    }
    double value = 0;
    int64_t micros = 0;
    if (field.type == ColumnType::kTimestampMicros) {
      if (!ReadTimestamp(node, &micros)) return;
      value = static_cast<double>(micros);
    } else if (!node.ReadDouble(-kInf, kInf, &value)) {
      return;
    }
    *out = value;
  }
  if (*min && *max && **min > **max) map.Get("max").Fail("max is below min");
}

void ReadLengths(const MapReader& map, const FieldRule& field, std::optional<int64_t>* min,
                 std::optional<int64_t>* max) {
  for (auto [key, out] : {std::pair{"min_length", min}, std::pair{"max_length", max}}) {
    Node node = map.Get(key);
    if (!Readable(node)) continue;
    if (!IsText(field.type)) {
      node.Fail(std::string(key) + " applies to string and category fields; " + TypeOf(field));
      return;
    }
    int64_t value = 0;
    if (!node.ReadInt<int64_t>(0, kMaxInt64, &value)) return;
    *out = value;
  }
  if (*min && *max && **min > **max) map.Get("max_length").Fail("max_length is below min_length");
}

void ReadRegex(const Node& node, std::string* out) {
  if (!node.ReadString(out)) return;
  RE2::Options options;
  options.set_log_errors(false);
  RE2 compiled(*out, options);
  if (!compiled.ok()) node.FailExpected("an RE2 regular expression", compiled.error());
}

void ReadDateFormat(const Node& node, std::string* out) {
  if (!node.ReadString(out)) return;
  for (size_t i = 0; i < out->size(); ++i) {
    if ((*out)[i] != '%') continue;
    if (i + 1 == out->size() || kDateConversions.find((*out)[i + 1]) == std::string_view::npos) {
      node.FailExpected("a strftime-style format such as \"%d/%m/%Y %H:%M\"",
                        "'%" + out->substr(i + 1, 1) + "' is not a supported conversion");
      return;
    }
    ++i;
  }
  if (out->empty()) node.FailExpected("a strftime-style format such as \"%d/%m/%Y %H:%M\"");
}

bool IsEnvVarName(std::string_view name) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// `key: title` and `key: [title, author]` both name a list of things.
std::vector<Node> ItemsOrSelf(const Node& node) {
  if (node.IsList()) return node.Items();
  if (node.present()) return {node};
  return {};
}

// One side of a check condition as written: a quoted string or a bare word.
struct Token {
  std::string text;
  bool quoted = false;
};

// Splits "LEFT OP RIGHT"; false when the text has another shape.
bool SplitCondition(std::string_view text, Token* left, std::string* op, Token* right) {
  size_t pos = 0;
  auto skip_space = [&] {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  };
  auto operand = [&](Token* out) {
    skip_space();
    if (pos >= text.size()) return false;
    const char quote = text[pos];
    if (quote == '\'' || quote == '"') {
      const size_t end = text.find(quote, pos + 1);
      if (end == std::string_view::npos) return false;
      out->text = text.substr(pos + 1, end - pos - 1);
      out->quoted = true;
      pos = end + 1;
      return true;
    }
    const size_t start = pos;
    while (pos < text.size() && !std::isspace(static_cast<unsigned char>(text[pos])) &&
           std::strchr("<>=!", text[pos]) == nullptr) {
      ++pos;
    }
    out->text = text.substr(start, pos - start);
    return !out->text.empty();
  };
  if (!operand(left)) return false;
  skip_space();
  for (std::string_view candidate : {"<=", ">=", "==", "!=", "<", ">"}) {
    if (text.substr(pos).starts_with(candidate)) {
      *op = candidate;
      pos += candidate.size();
      break;
    }
  }
  if (op->empty() || !operand(right)) return false;
  skip_space();
  return pos == text.size();
}

// What an operand of a condition compares as.
enum class Kind { kNumber, kText, kTime, kBool };

Kind KindOf(ColumnType type) {
  if (IsNumeric(type)) return Kind::kNumber;
  if (type == ColumnType::kTimestampMicros) return Kind::kTime;
  if (type == ColumnType::kBool) return Kind::kBool;
  return Kind::kText;
}

class Parser {
 public:
  explicit Parser(yaml::Document* doc) : doc_(doc) {}

  Status Parse(RulesConfig* out) {
    config_.file = doc_->name();
    Node root = doc_->Root();
    MapReader map = root.AsMap(kTopKeys);

    ParseDataset(map.Get("dataset"));
    Node fields = map.Required("fields");
    for (const auto& [key, value] : fields.AsOpenMap().Entries()) {
      ParseField(key, value, &config_.fields.emplace_back());
      field_index_.emplace(config_.fields.back().name, config_.fields.size() - 1);
      field_keys_.push_back(key);
    }
    if (fields.IsMap() && config_.fields.empty()) fields.FailExpected("at least one field");
    ReserveFieldRuleNames();

    map.Get("null_values").ReadStringList(&config_.null_values);
    for (const Node& check : map.Get("checks").Items()) {
      ParseCheck(check, &config_.checks.emplace_back());
    }
    ParseDedup(map.Get("dedup"));
    Node redact = map.Get("redact");
    if (redact.IsList()) {
      for (const Node& rule : redact.Items()) ParseRedact(rule, &config_.redact.emplace_back());
    } else if (redact.present()) {
      ParseRedact(redact, &config_.redact.emplace_back());
    }
    ParseSalt(map);
    for (const Node& outlier : map.Get("outliers").Items()) {
      ParseOutlier(outlier, &config_.outliers.emplace_back());
    }
    ParseSplit(map.Get("split"));
    ParseOutput(map.Get("output"));
    ParseMonitor(map.Get("monitor"));

    if (doc_->status().ok()) *out = std::move(config_);
    return doc_->status();
  }

 private:
  void ParseDataset(const Node& node) {
    if (!node.present()) {
      config_.dataset = std::filesystem::path(doc_->name()).stem().string();
      return;
    }
    if (!node.ReadString(&config_.dataset)) return;
    const std::string& name = config_.dataset;
    const bool valid = !name.empty() && name[0] != '.' &&
                       std::all_of(name.begin(), name.end(), [](unsigned char c) {
                         return std::isalnum(c) || c == '.' || c == '_' || c == '-';
                       });
    if (!valid) node.FailExpected("a dataset name of letters, digits, '.', '_' and '-'");
  }

  void ParseField(const Node& key, const Node& node, FieldRule* out) {
    out->pos = PosOf(key);
    if (key.ReadString(&out->name) && out->name.empty()) key.FailExpected("a field name");
    out->source = out->name;
    out->source_pos = out->pos;
    MapReader map = node.AsMap(kFieldKeys);
    DeclaredType declared;
    if (map.Get("type").ReadEnum(kTypeWords, &declared)) {
      out->type = declared.type;
      out->categorical = declared.categorical;
    }
    Node from = map.Get("from");
    if (from.ReadString(&out->source) && out->source.empty()) {
      from.FailExpected("the name of a staged field");
    }
    if (from.present()) out->source_pos = PosOf(from);
    ParseParseMode(map, out);
    ParseRequired(map, out);
    map.Get("null_values").ReadStringList(&out->null_values);
    map.Get("trim").ReadBool(&out->trim);
    if (map.Has("collapse") && map.Has("collapse_whitespace")) {
      map.Get("collapse").Fail("'collapse' is another name for 'collapse_whitespace'; give one");
    }
    map.Get("collapse_whitespace").ReadBool(&out->collapse_whitespace);
    map.Get("collapse").ReadBool(&out->collapse_whitespace);
    map.Get("case").ReadEnum({{"lower", CaseFold::kLower}, {"upper", CaseFold::kUpper}},
                             &out->case_fold);
    for (const auto& [text, value] : map.Get("map").AsOpenMap().Entries()) {
      auto& entry = out->map.emplace_back();
      text.ReadString(&entry.first);
      ReadValue(value, *out, &entry.second);
    }
    ReadRegex(map.Get("regex"), &out->regex);
    ReadAllowed(map.Get("allowed"), *out, &out->allowed);
    ReadBounds(map, *out, &out->min, &out->max);
    ReadLengths(map, *out, &out->min_length, &out->max_length);
    // `on_error: null` reads as YAML's null, not as the word.
    Node on_error = map.Get("on_error");
    if (on_error.IsNull()) {
      out->on_error = OnError::kNull;
    } else {
      on_error.ReadEnum({{"drop", OnError::kDrop}, {"null", OnError::kNull}}, &out->on_error);
    }
    Node redact = map.Get("redact");
    if (redact.ReadEnum(kRedactModeWords, &out->redact) && !IsText(out->type)) {
      redact.Fail("redact applies to string and category fields; " + TypeOf(*out));
    }
  }

  void ParseParseMode(const MapReader& map, FieldRule* out) {
    Node parse = map.Get("parse");
    if (parse.ReadEnum({{"currency", ParseMode::kCurrency},
                        {"number", ParseMode::kNumber},
                        {"percent", ParseMode::kPercent},
                        {"date", ParseMode::kDate}},
                       &out->parse)) {
      std::string mode;
      parse.ReadString(&mode);
      if (out->parse == ParseMode::kDate && out->type != ColumnType::kTimestampMicros) {
        parse.Fail("parse: date applies to timestamp fields; " + TypeOf(*out));
      } else if (out->parse != ParseMode::kDate && !IsNumeric(out->type)) {
        parse.Fail("parse: " + mode + " applies to int and float fields; " + TypeOf(*out));
      }
    }
    Node format = map.Get("format");
    if (!Readable(format)) return;
    if (out->parse == ParseMode::kDate) {
      ReadDateFormat(format, &out->format);
    } else if (out->parse == ParseMode::kCurrency || out->parse == ParseMode::kNumber) {
      std::string_view convention;
      if (format.ReadEnum<std::string_view>({{"1,234.56", "1,234.56"}, {"1.234,56", "1.234,56"}},
                                            &convention)) {
        out->format = convention;
      }
    } else {
      format.Fail("format applies with parse: date, currency or number");
    }
  }

  void ParseRequired(const MapReader& map, FieldRule* out) {
    Node required = map.Get("required");
    Node nullable = map.Get("nullable");
    bool is_required = false;
    bool is_nullable = true;
    required.ReadBool(&is_required);
    nullable.ReadBool(&is_nullable);
    if (required.present() && nullable.present() && is_required == is_nullable) {
      nullable.Fail(std::string("nullable: ") + (is_nullable ? "true" : "false") +
                    " contradicts required: " + (is_required ? "true" : "false") +
                    " (nullable: false means required: true); give one of them");
    }
    out->required = is_required || !is_nullable;
  }

  const FieldRule* FindField(std::string_view name) const {
    auto it = field_index_.find(name);
    return it == field_index_.end() ? nullptr : &config_.fields[it->second];
  }

  // Reads the name of a declared field; an unknown name is an error that
  // suggests the closest declared one.
  const FieldRule* ReadFieldRef(const Node& node, std::string* out) {
    if (!node.ReadString(out)) return nullptr;
    if (const FieldRule* field = FindField(*out)) return field;
    node.FailExpected("a field declared under 'fields' (" + FieldNames() + ")", DidYouMean(*out));
    return nullptr;
  }

  std::string FieldNames() const {
    std::vector<std::string_view> names;
    for (const FieldRule& field : config_.fields) names.push_back(field.name);
    return Join(names);
  }

  std::string DidYouMean(std::string_view typo) const {
    std::vector<std::string_view> names;
    for (const FieldRule& field : config_.fields) names.push_back(field.name);
    const std::string_view closest = yaml::ClosestWord(typo, names);
    return closest.empty() ? "" : "did you mean '" + std::string(closest) + "'?";
  }

  void ReserveFieldRuleNames() {
    for (const FieldRule& field : config_.fields) {
      for (std::string_view rule : kFieldRuleNames) {
        names_[field.name + "." + std::string(rule)] =
            "the " + std::string(rule) + " rule of field '" + field.name + "'";
      }
    }
  }

  // Check and outlier names share one namespace with the field rules, since
  // the manifest counts dropped rows per name.
  void ClaimName(const Node& node, const std::string& name, const std::string& owner) {
    if (name.empty()) {
      node.FailExpected("a non-empty name");
      return;
    }
    auto [it, inserted] = names_.emplace(name, owner);
    if (!inserted) node.Fail("duplicate name '" + name + "': already used by " + it->second);
  }

  static std::string At(const Node& node) {
    return "line " + std::to_string(node.line()) + ", column " + std::to_string(node.column());
  }

  void ParseCheck(const Node& node, Check* out) {
    out->pos = PosOf(node);
    MapReader map = node.AsMap(kCheckKeys);
    Node name = map.Required("name");
    if (name.ReadString(&out->name)) ClaimName(name, out->name, "the check at " + At(node));
    Node field_node = map.Get("field");
    const FieldRule* field = ReadFieldRef(field_node, &out->field);
    map.Get("severity").ReadEnum(kSeverityWords, &out->severity);
    Node mostly = map.Get("mostly");
    if (mostly.ReadDouble(0, 1, &out->mostly) && out->severity != Severity::kFail) {
      mostly.Fail(
          "mostly only applies to severity: fail (drop and warn checks act on every failing "
          "row)");
    }
    if (!node.ok()) return;

    // The predicate groups; a check holds exactly one.
    static const std::vector<std::vector<std::string_view>> kGroups = {
        {"not_null"}, {"regex"}, {"allowed"}, {"min", "max"}, {"min_length", "max_length"},
        {"condition"}};
    std::vector<const std::vector<std::string_view>*> present;
    for (const auto& group : kGroups) {
      if (std::any_of(group.begin(), group.end(),
                      [&](std::string_view key) { return map.Has(key); })) {
        present.push_back(&group);
      }
    }
    if (present.empty()) {
      map.node().Fail(
          "expected one predicate (not_null, regex, allowed, min/max, min_length/max_length or "
          "condition), got none");
      return;
    }
    if (present.size() > 1) {
      const auto& second = *present[1];
      const std::string_view key = map.Has(second[0]) ? second[0] : second[1];
      map.Get(key).Fail("a check has exactly one predicate, got '" + std::string((*present[0])[0]) +
                        "' and '" + std::string(key) + "' (write two checks)");
      return;
    }
    const std::string_view predicate = (*present[0])[0];
    if (predicate == "condition") {
      if (field_node.present()) {
        field_node.Fail("a condition check names its fields in the condition; remove 'field'");
        return;
      }
      ParseCondition(map.Get("condition"), out);
      return;
    }
    if (!field_node.present()) {
      map.Required("field");
      return;
    }
    if (predicate == "not_null") {
      Node not_null = map.Get("not_null");
      if (not_null.ReadBool(&out->not_null) && !out->not_null) {
        not_null.FailExpected("true", "a not_null: false check checks nothing");
      }
    } else if (predicate == "regex") {
      Node regex = map.Get("regex");
      if (!IsText(field->type)) {
        regex.Fail("a regex check applies to string and category fields; " + TypeOf(*field) +
                   " (a field's own regex: applies to its text before coercion)");
        return;
      }
      ReadRegex(regex, &out->regex);
    } else if (predicate == "allowed") {
      ReadAllowed(map.Get("allowed"), *field, &out->allowed);
    } else if (predicate == "min") {
      ReadBounds(map, *field, &out->min, &out->max);
    } else {
      ReadLengths(map, *field, &out->min_length, &out->max_length);
    }
  }

  void ParseCondition(const Node& node, Check* out) {
    if (!node.ReadString(&out->condition_text)) return;
    auto fail = [&](const std::string& why) {
      node.FailExpected("a condition LEFT OP RIGHT such as \"min_price <= max_price\"", why);
    };
    Token left, right;
    if (!SplitCondition(out->condition_text, &left, &out->op, &right)) {
      fail("OP is one of < <= > >= == != and each side a field, a number or a quoted string");
      return;
    }
    Check::Operand operands[2];
    Kind kinds[2];
    const Token* tokens[2] = {&left, &right};
    for (int i = 0; i < 2; ++i) {
      const std::string& text = tokens[i]->text;
      if (tokens[i]->quoted) {
        operands[i].literal.set_string_value(text);
        kinds[i] = Kind::kText;
      } else if (const FieldRule* field = FindField(text)) {
        operands[i].field = text;
        kinds[i] = KindOf(field->type);
      } else if (text == "true" || text == "false") {
        operands[i].literal.set_bool_value(text == "true");
        kinds[i] = Kind::kBool;
      } else if (!ParseNumber(text, &operands[i].literal)) {
        const std::string hint = DidYouMean(text);
        fail("'" + text + "' is neither a declared field (" + FieldNames() + ") nor a number" +
             (hint.empty() ? "" : "; " + hint));
        return;
      } else {
        kinds[i] = Kind::kNumber;
      }
    }
    if (operands[0].field.empty() && operands[1].field.empty()) {
      fail("at least one side must be a declared field");
      return;
    }
    // A quoted literal compared with a timestamp field is a point in time.
    for (int i = 0; i < 2; ++i) {
      if (kinds[i] == Kind::kText && tokens[i]->quoted && kinds[1 - i] == Kind::kTime) {
        std::optional<int64_t> micros = ParseIsoMicros(tokens[i]->text);
        if (!micros) {
          fail("'" + tokens[i]->text + "' is not an ISO-8601 date or date-time");
          return;
        }
        operands[i].literal.set_timestamp_micros(*micros);
        kinds[i] = Kind::kTime;
      }
    }
    if (kinds[0] != kinds[1]) {
      fail("the two sides have different types");
      return;
    }
    if (kinds[0] == Kind::kBool && out->op != "==" && out->op != "!=") {
      fail("booleans compare with == or != only");
      return;
    }
    out->left = std::move(operands[0]);
    out->right = std::move(operands[1]);
  }

  static bool ParseNumber(std::string_view text, v1::Value* out) {
    if (text.starts_with('+')) text.remove_prefix(1);
    const char* end = text.data() + text.size();
    int64_t integer = 0;
    auto [int_end, int_error] = std::from_chars(text.data(), end, integer);
    if (!text.empty() && int_error == std::errc() && int_end == end) {
      out->set_int_value(integer);
      return true;
    }
    double real = 0;
    auto [real_end, real_error] = std::from_chars(text.data(), end, real);
    if (text.empty() || real_error != std::errc() || real_end != end || !std::isfinite(real)) {
      return false;
    }
    out->set_double_value(real);
    return true;
  }

  void ParseDedup(const Node& node) {
    DedupRule& dedup = config_.dedup;
    MapReader map = node.AsMap(kDedupKeys);
    if (!node.present()) return;
    dedup.pos = PosOf(node);
    Node key = map.Required("key");
    for (const Node& item : ItemsOrSelf(key)) {
      std::string& name = dedup.key.emplace_back();
      if (!ReadFieldRef(item, &name)) return;
      if (std::count(dedup.key.begin(), dedup.key.end(), name) > 1) {
        item.Fail("field '" + name + "' is already in the key");
      }
    }
    if (key.IsList() && dedup.key.empty()) key.FailExpected("at least one field name");
    map.Get("keep").ReadEnum({{"first", DedupKeep::kFirst}, {"last", DedupKeep::kLast}},
                             &dedup.keep);
  }

  void ParseRedact(const Node& node, RedactRule* out) {
    out->pos = PosOf(node);
    MapReader map = node.AsMap(kRedactKeys);
    Node patterns = map.Required("patterns");
    for (const Node& item : ItemsOrSelf(patterns)) {
      item.ReadEnum({{"email", PiiPattern::kEmail}, {"phone", PiiPattern::kPhone}},
                    &out->patterns.emplace_back());
    }
    if (patterns.IsList() && out->patterns.empty()) {
      patterns.FailExpected("at least one of email, phone");
    }
    for (const Node& item : ItemsOrSelf(map.Get("fields"))) {
      const FieldRule* field = ReadFieldRef(item, &out->fields.emplace_back());
      if (field != nullptr && !IsText(field->type)) {
        item.Fail("redaction applies to string and category fields; " + TypeOf(*field));
      }
    }
    map.Get("mode").ReadEnum(kRedactModeWords, &out->mode);
  }

  void ParseSalt(const MapReader& map) {
    Node salt = map.Get("salt");
    Node salt_env = map.Get("salt_env");
    if (salt.ReadString(&config_.salt.salt) && config_.salt.salt.empty()) {
      salt.FailExpected("a non-empty salt");
    }
    if (salt_env.ReadString(&config_.salt.salt_env) && !IsEnvVarName(config_.salt.salt_env)) {
      salt_env.FailExpected("the name of an environment variable (letters, digits, '_')");
    }
    if (salt.present() && salt_env.present()) {
      salt_env.Fail("give either salt or salt_env, not both");
    }
    // The environment is read here, once, when the rules are loaded; the
    // cleaner that applies them takes the salt as given.
    if (config_.salt.salt.empty()) {
      if (const char* env = std::getenv(config_.salt.salt_env.c_str())) config_.salt.salt = env;
    }
  }

  void ParseOutlier(const Node& node, OutlierRule* out) {
    out->pos = PosOf(node);
    MapReader map = node.AsMap(kOutlierKeys);
    Node field_node = map.Required("field");
    const FieldRule* field = ReadFieldRef(field_node, &out->field);
    if (field != nullptr && !IsNumeric(field->type)) {
      field_node.Fail("outliers apply to int and float fields; " + TypeOf(*field));
    }
    map.Required("method").ReadEnum(kOutlierMethodWords, &out->method);
    if (!node.ok()) return;
    const std::string method = OutlierMethodName(out->method);

    std::vector<std::string_view> own;
    switch (out->method) {
      case OutlierMethod::kZScore:
      case OutlierMethod::kIqr:
        own = {"k"};
        break;
      case OutlierMethod::kMad:
        own = {"threshold"};
        break;
      case OutlierMethod::kPercentile:
        own = {"p_lo", "p_hi"};
        break;
    }
    for (const auto& [key, unused] : map.Entries()) {
      std::string name;
      key.ReadString(&name);
      const bool method_key = std::find(kOutlierMethodKeys.begin(), kOutlierMethodKeys.end(),
                                        name) != kOutlierMethodKeys.end();
      if (method_key && std::find(own.begin(), own.end(), name) == own.end()) {
        key.Fail("'" + name + "' does not apply to method " + method + ", which takes " +
                 Join(own));
        return;
      }
    }

    if (out->method == OutlierMethod::kZScore) out->k = 3;
    ReadPositive(map.Get("k"), &out->k);
    ReadPositive(map.Get("threshold"), &out->threshold);
    Node p_lo = map.Get("p_lo");
    Node p_hi = map.Get("p_hi");
    p_lo.ReadDouble(0, 1, &out->p_lo);
    p_hi.ReadDouble(0, 1, &out->p_hi);
    if (node.ok() && out->p_lo >= out->p_hi) {
      (p_hi.present() ? p_hi : p_lo).Fail("p_lo must be below p_hi");
    }
    bool clip = false;
    if (map.Get("action").ReadEnum({{"drop", false}, {"clip", true}}, &clip)) out->clip = clip;
    ReadFieldRef(map.Get("by"), &out->by);

    Node name = map.Get("name");
    if (!name.present()) {
      out->name = out->field + "." + method;
      ClaimName(node, out->name, "the outlier rule at " + At(node));
    } else if (name.ReadString(&out->name)) {
      ClaimName(name, out->name, "the outlier rule at " + At(node));
    }
  }

  static void ReadPositive(const Node& node, double* out) {
    if (node.ReadDouble(0, kInf, out) && *out == 0) node.FailExpected("a positive number");
  }

  void ParseSplit(const Node& node) {
    SplitRule& split = config_.split;
    split.pos = PosOf(node);
    MapReader map = node.AsMap(kSplitKeys);
    Node key = map.Get("key");
    if (key.present()) {
      split.key.clear();
      for (const Node& item : ItemsOrSelf(key)) {
        std::string& name = split.key.emplace_back();
        // A declared field wins; otherwise "url" and "source_url" both mean the record's URL.
        if (item.ReadString(&name) && !FindField(name) && (name == "url" || name == "source_url")) {
          name = "source_url";
        } else {
          ReadFieldRef(item, &name);
        }
      }
      if (key.IsList() && split.key.empty()) key.FailExpected("at least one field name");
    }
    Node group = map.Get("group");
    if (!group.IsNull()) ReadFieldRef(group, &split.group);
    Node stratify = map.Get("stratify");
    ReadFieldRef(stratify, &split.stratify);
    if (!split.group.empty() && stratify.present()) {
      stratify.Fail(
          "stratify cannot be combined with group (whole groups are assigned to one split, so "
          "class proportions cannot be kept per split); drop one of them");
    }
    int64_t seed = 0;
    if (map.Get("seed").ReadInt<int64_t>(0, kMaxInt64, &seed)) {
      split.seed = static_cast<uint64_t>(seed);
    }

    const std::pair<std::string_view, double*> fractions[] = {
        {"train", &split.train}, {"validation", &split.validation}, {"test", &split.test}};
    std::vector<std::string_view> missing;
    for (const auto& [name, value] : fractions) {
      if (!map.Has(name)) missing.push_back(name);
    }
    if (missing.size() == 3) return;
    if (!missing.empty() && node.ok()) {
      map.node().Fail("missing " + Join(missing) +
                      ": give train, validation and test together (or none of them for " +
                      "0.8/0.1/0.1)");
      return;
    }
    for (const auto& [name, value] : fractions) map.Get(name).ReadDouble(0, 1, value);
    const double sum = split.train + split.validation + split.test;
    if (node.ok() && std::abs(sum - 1) > 1e-9) {
      char text[128];
      std::snprintf(text, sizeof(text),
                    "train + validation + test must sum to 1, got %g + %g + %g = %g", split.train,
                    split.validation, split.test, sum);
      map.node().Fail(text);
    }
  }

  void ParseOutput(const Node& node) {
    OutputRule& output = config_.output;
    MapReader map = node.AsMap(kOutputKeys);
    map.Get("format").ReadEnum(shards::kFormatWords, &output.format);
    map.Get("compression").ReadEnum(shards::kCompressionWords, &output.compression);
    map.Get("shard_rows").ReadInt<int64_t>(1, kMaxInt64, &output.shard_rows);
    map.Get("metadata_columns").ReadBool(&output.metadata_columns);
    if (!output.metadata_columns) return;
    for (const Node& key : field_keys_) {
      std::string name;
      key.ReadString(&name);
      if (std::find(kMetadataColumns.begin(), kMetadataColumns.end(), name) !=
          kMetadataColumns.end()) {
        key.Fail("'" + name +
                 "' is a metadata column of the output; rename the field (with from: " + name +
                 ") or set output.metadata_columns: false");
        return;
      }
    }
  }

  void ParseMonitor(const Node& node) {
    if (!node.present()) return;
    MonitorRule& monitor = config_.monitor.emplace();
    monitor.pos = PosOf(node);
    MapReader map = node.AsMap(kMonitorKeys);
    Node baseline = map.Get("baseline");
    if (baseline.present()) monitor.baseline_pos = PosOf(baseline);
    if (baseline.ReadString(&monitor.baseline)) {
      const bool hex =
          monitor.baseline.size() == kVersionDigits &&
          std::all_of(monitor.baseline.begin(), monitor.baseline.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
          });
      if (monitor.baseline == "previous") {
        monitor.baseline.clear();
      } else if (!hex) {
        baseline.FailExpected(
            "previous or a dataset version (the 32 hex digits of a manifest's "
            "version)");
      }
    }
    map.Get("on_drift").ReadEnum(kOnDriftWords, &monitor.on_drift);
    drift::VerdictOptions& verdict = monitor.verdict;
    Node alpha = map.Get("alpha");
    if (alpha.ReadDouble(0, 1, &verdict.alpha) && (verdict.alpha <= 0 || verdict.alpha >= 1)) {
      alpha.FailExpected("a number between 0 and 1 (exclusive)");
    }
    int64_t small_sample_max = 0;
    if (map.Get("small_sample_max").ReadInt<int64_t>(0, kMaxInt64, &small_sample_max)) {
      verdict.small_sample_max = static_cast<uint64_t>(small_sample_max);
    }
    ReadEffectLimits(map, &verdict);  // before the fields, which start from them

    std::vector<std::string_view> columns;
    for (const FieldRule& field : config_.fields) columns.push_back(field.name);
    if (config_.output.metadata_columns) {
      columns.insert(columns.end(), kMetadataColumns.begin(), kMetadataColumns.end());
    }
    for (const auto& [key, value] : map.Get("fields").AsOpenMap().Entries()) {
      std::string name;
      if (!key.ReadString(&name)) return;
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
        const std::string_view closest = yaml::ClosestWord(name, columns);
        key.FailExpected(
            "a field declared under 'fields' or an output column (" + Join(columns) + ")",
            closest.empty() ? "" : "did you mean '" + std::string(closest) + "'?");
        return;
      }
      drift::FieldVerdictOptions& field = verdict.fields[name];
      static_cast<drift::EffectLimits&>(field) = verdict;
      MapReader field_map = value.AsMap(kMonitorFieldKeys);
      field_map.Get("ignore").ReadBool(&field.ignore);
      ReadEffectLimits(field_map, &field);
    }
    // The crawl's own columns move with every re-crawl (fetch_time always
    // does): judged only when named.
    if (!config_.output.metadata_columns) return;
    for (std::string_view column : kMetadataColumns) {
      if (verdict.fields.count(column)) continue;
      drift::FieldVerdictOptions& field = verdict.fields[std::string(column)];
      static_cast<drift::EffectLimits&>(field) = verdict;
      field.ignore = true;
    }
  }

  // Each effect threshold of `map`: a number sets the drift threshold (and
  // lowers the possible one to it if it was above), a map {possible, drift}
  // sets either or both.
  static void ReadEffectLimits(const MapReader& map, drift::EffectLimits* out) {
    for (const auto& [name, member] : drift::kEffectNames) {
      Node node = map.Get(name);
      drift::EffectThresholds& t = out->*member;
      if (node.IsScalar()) {
        if (node.ReadDouble(0, kInf, &t.drift)) t.possible = std::min(t.possible, t.drift);
        continue;
      }
      if (!node.present()) continue;
      if (!node.IsMap()) {
        node.FailExpected("a number (the drift threshold) or {possible: P, drift: D}");
        return;
      }
      MapReader thresholds = node.AsMap(kThresholdKeys);
      thresholds.Get("possible").ReadDouble(0, kInf, &t.possible);
      thresholds.Get("drift").ReadDouble(0, kInf, &t.drift);
      if (node.ok() && t.possible > t.drift) {
        node.Fail("possible (" + FormatNumber(t.possible) + ") is above drift (" +
                  FormatNumber(t.drift) + ")");
      }
    }
  }

  static std::string FormatNumber(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", x);
    return text;
  }

  yaml::Document* doc_;
  RulesConfig config_;
  std::vector<Node> field_keys_;  // parallel to config_.fields, for errors found later
  // Field name → its index in config_.fields: checks, dedup and split keys name
  // fields, and a scan per name was quadratic in big rules files.
  std::map<std::string, size_t, std::less<>> field_index_;
  std::map<std::string, std::string> names_;  // check / outlier / field-rule name → its owner
};

}  // namespace

Status ParseRulesFile(const std::string& path, RulesConfig* out) {
  yaml::Document doc;
  GLEANER_RETURN_IF_ERROR(doc.LoadFile(path));
  return Parser(&doc).Parse(out);
}

Status ParseRulesYaml(std::string_view text, const std::string& display_name, RulesConfig* out) {
  yaml::Document doc;
  GLEANER_RETURN_IF_ERROR(doc.LoadString(text, display_name));
  return Parser(&doc).Parse(out);
}

}  // namespace gleaner::rules
