#include "ingest/rules/row_cleaner.h"

#include <re2/re2.h>

#include <cstdlib>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "ingest/rules/pii_redaction.h"
#include "ingest/rules/value_coercion.h"

namespace gleaner::rules {

using schema::ColumnType;

namespace {

// Where a row can be dropped while one field is cleaned, in evaluation order.
// A row dropped at one stage reaches no later stage; RuleCount::evaluated of a
// rule is the number of rows that reached its (first) stage.
enum FieldStage {
  kMissing,  // FIELD.required, absent staged field
  kRegex,
  kType,
  kNull,  // FIELD.required again, null after coercion
  kAllowed,
  kMin,
  kMax,
  kMinLength,
  kMaxLength,
  kStagesPerField,
};

constexpr size_t kQuoteLimit = 80;  // code points of a value quoted in a reason

// "text" with quotes and control characters escaped, cut at kQuoteLimit code points.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  size_t code_points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && code_points++ == kQuoteLimit) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20) {
      out += ' ';
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

// A value as a reason shows it: text quoted, numbers and times bare.
std::string Render(const v1::Value& v) {
  std::string scratch;
  switch (v.kind_case()) {
    case v1::Value::KIND_NOT_SET:
      return "null";
    case v1::Value::kStringValue:
    case v1::Value::kJsonValue:
    case v1::Value::kBytesValue:
      return Quote(ValueText(v, &scratch));
    default:
      return std::string(ValueText(v, &scratch));
  }
}

// A min/max bound the way the field's values are shown.
std::string RenderBound(double bound, bool timestamp) {
  v1::Value v;
  if (timestamp) {
    v.set_timestamp_micros(static_cast<int64_t>(bound));
  } else {
    v.set_double_value(bound);
  }
  return Render(v);
}

bool IsNumeric(const v1::Value& v) {
  const auto k = v.kind_case();
  return k == v1::Value::kIntValue || k == v1::Value::kDoubleValue ||
         k == v1::Value::kTimestampMicros;
}
bool IsText(const v1::Value& v) {
  const auto k = v.kind_case();
  return k == v1::Value::kStringValue || k == v1::Value::kJsonValue || k == v1::Value::kBytesValue;
}
double NumberOf(const v1::Value& v) {
  switch (v.kind_case()) {
    case v1::Value::kIntValue:
      return static_cast<double>(v.int_value());
    case v1::Value::kTimestampMicros:
      return static_cast<double>(v.timestamp_micros());
    default:
      return v.double_value();
  }
}
// int and timestamp values compare exactly, other numbers as doubles.
bool ExactInt(const v1::Value& v, int64_t* out) {
  if (v.kind_case() == v1::Value::kIntValue)
    *out = v.int_value();
  else if (v.kind_case() == v1::Value::kTimestampMicros)
    *out = v.timestamp_micros();
  else
    return false;
  return true;
}

// Three-way comparison; false when the kinds do not compare (text with a number).
bool Compare(const v1::Value& a, const v1::Value& b, int* cmp) {
  int64_t ia = 0, ib = 0;
  if (ExactInt(a, &ia) && ExactInt(b, &ib)) {
    *cmp = ia < ib ? -1 : ia > ib;
  } else if (IsNumeric(a) && IsNumeric(b)) {
    const double da = NumberOf(a), db = NumberOf(b);
    *cmp = da < db ? -1 : da > db;
  } else if (IsText(a) && IsText(b)) {
    std::string sa, sb;
    const int c = ValueText(a, &sa).compare(ValueText(b, &sb));
    *cmp = c < 0 ? -1 : c > 0;
  } else if (a.kind_case() == v1::Value::kBoolValue && b.kind_case() == v1::Value::kBoolValue) {
    *cmp = static_cast<int>(a.bool_value()) - static_cast<int>(b.bool_value());
  } else {
    return false;
  }
  return true;
}

bool InAllowed(const v1::Value& v, const std::vector<v1::Value>& allowed) {
  for (const v1::Value& a : allowed) {
    int cmp = 0;
    if (Compare(v, a, &cmp) && cmp == 0) return true;
  }
  return false;
}

std::string RenderList(const std::vector<v1::Value>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += Render(values[i]);
  }
  return out + "]";
}

// The single-value predicates fields and checks share, on a typed non-null value.
struct ValueRules {
  const std::vector<v1::Value>* allowed = nullptr;
  std::optional<double> min, max;
  std::optional<int64_t> min_length, max_length;
  bool timestamp = false;  // bounds are shown as times
};

// The FieldStage of the first predicate `v` fails, or -1. Builds *reason
// ("price: -3 is below min 0") when `reason` is non-null; `shown` is how the
// value appears in it.
int FirstViolation(const ValueRules& r, const v1::Value& v, std::string_view field,
                   const std::string& shown, std::string* reason) {
  int stage = -1;
  std::string why;
  const bool numeric = IsNumeric(v);
  if (r.allowed != nullptr && !r.allowed->empty() && !InAllowed(v, *r.allowed)) {
    stage = kAllowed;
    if (reason) why = shown + " is not one of " + RenderList(*r.allowed);
  } else if (r.min && numeric && NumberOf(v) < *r.min) {
    stage = kMin;
    if (reason) why = shown + " is below min " + RenderBound(*r.min, r.timestamp);
  } else if (r.max && numeric && NumberOf(v) > *r.max) {
    stage = kMax;
    if (reason) why = shown + " is above max " + RenderBound(*r.max, r.timestamp);
  } else if ((r.min_length || r.max_length) && v.kind_case() == v1::Value::kStringValue) {
    const int64_t n = CodePointCount(v.string_value());
    if (r.min_length && n < *r.min_length) {
      stage = kMinLength;
      if (reason) {
        why = shown + " is shorter than min_length " + std::to_string(*r.min_length) + " (" +
              std::to_string(n) + " characters)";
      }
    } else if (r.max_length && n > *r.max_length) {
      stage = kMaxLength;
      if (reason) {
        why = shown + " is longer than max_length " + std::to_string(*r.max_length) + " (" +
              std::to_string(n) + " characters)";
      }
    }
  }
  if (stage >= 0 && reason) *reason = std::string(field) + ": " + why;
  return stage;
}

// Hash for looking std::string keys up by string_view.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

std::string_view Negated(std::string_view op) {
  if (op == "<") return ">=";
  if (op == "<=") return ">";
  if (op == ">") return "<=";
  if (op == ">=") return "<";
  if (op == "==") return "!=";
  return "==";
}

bool Holds(std::string_view op, int cmp) {
  if (op == "<") return cmp < 0;
  if (op == "<=") return cmp <= 0;
  if (op == ">") return cmp > 0;
  if (op == ">=") return cmp >= 0;
  if (op == "==") return cmp == 0;
  return cmp != 0;
}

// One side of a check's condition, resolved against the rules' fields. At
// namespace scope rather than in Impl: clang (rightly) treats a nested class
// with default member initializers as not default-constructible until the
// enclosing class is complete, so std::optional<Operand> there cannot emplace().
struct Operand {
  int field = -1;  // index into the row, or -1 for the literal
  v1::Value literal;
};

}  // namespace

struct RowCleaner::Impl {
  struct Field {
    const FieldRule* rule;
    TextNorm norm;
    std::vector<std::string> null_values;  // normalised like the field's text, trimmed
    std::unordered_map<std::string, v1::Value, TextHash, std::equal_to<>> map;
    std::unique_ptr<RE2> regex;
    CoercionSpec coercion;
    ValueRules rules;
    bool coerces = false;        // has a FIELD.type rule
    int count[kStagesPerField];  // index into counts per stage, -1 if unset
    int hint = 0;                // where the staged field was in the previous record
  };
  struct CheckRule {
    const Check* check;
    int field = -1;
    std::unique_ptr<RE2> regex;
    ValueRules rules;
    std::optional<Operand> left, right;
    int count = 0;
  };

  RulesConfig config;
  std::vector<Field> fields;
  std::vector<CheckRule> checks;
  std::vector<std::unique_ptr<PiiRedactor>> redactors;
  std::vector<std::vector<int>> redactor_fields;  // per redactor, row indices
  std::string salt;

  // Counters: rows seen, rows dropped at each stage, failures per rule.
  int64_t rows = 0;
  std::vector<int64_t> stage_drops;
  std::vector<int64_t> failed;
  std::vector<int> stage_of;  // per count entry, the first stage it is evaluated at
  mutable std::vector<RuleCount> counts;

  std::string text;     // normalised text of the field being cleaned
  std::string scratch;  // canonical text of a non-string value

  const v1::Value* Find(const v1::Record& record, Field& f) const {
    const int n = record.fields_size();
    const std::string& source = f.rule->source.empty() ? f.rule->name : f.rule->source;
    if (f.hint < n && record.fields(f.hint).name() == source) {
      return &record.fields(f.hint).value();
    }
    for (int i = 0; i < n; ++i) {
      if (record.fields(i).name() == source) {
        f.hint = i;
        return &record.fields(i).value();
      }
    }
    return nullptr;
  }

  // Adds an entry to counts; returns its index.
  int AddCount(std::string rule, Severity severity, double mostly, int stage) {
    counts.push_back({std::move(rule), severity, mostly, 0, 0});
    stage_of.push_back(stage);
    return static_cast<int>(counts.size()) - 1;
  }

  bool Drop(int stage, int count, std::string rule, std::string reason, Rejection* rejection) {
    ++stage_drops[stage];
    ++failed[count];
    rejection->rule = std::move(rule);
    rejection->reason = std::move(reason);
    // Reasons quote values: keep the PII the rules hide out of them too.
    for (const auto& redactor : redactors) redactor->Redact(&rejection->reason);
    return false;
  }

  // What a reason shows for a field's value: quoted, or nothing for redacted fields.
  std::string Shown(const Field& f, std::string_view text) const {
    return f.rule->redact == RedactMode::kNone ? Quote(text) : "(redacted value)";
  }

  bool CleanField(size_t index, const v1::Record& record, v1::Value* out, Rejection* rejection);
  // True when the row passes `c`; builds *reason on failure when non-null.
  bool Passes(const CheckRule& c, const std::vector<v1::Value>& row, std::string* reason);
  void RedactRow(std::vector<v1::Value>* row) const;
};

Status RowCleaner::Create(const RulesConfig& config, std::unique_ptr<RowCleaner>* out) {
  auto impl = std::make_unique<Impl>();
  Impl& m = *impl;
  m.config = config;  // the cleaner keeps its own copy: rules point into it
  const RulesConfig& cfg = m.config;

  bool needs_salt = false;
  std::unordered_map<std::string_view, int> index_of;
  m.fields.resize(cfg.fields.size());
  for (size_t i = 0; i < cfg.fields.size(); ++i) {
    const FieldRule& r = cfg.fields[i];
    Impl::Field& f = m.fields[i];
    f.rule = &r;
    index_of[r.name] = static_cast<int>(i);
    f.norm = {r.trim, r.collapse_whitespace, r.case_fold};
    // Sentinels and map keys are written by hand: normalise them like the text.
    std::string normal;
    for (const auto* list : {&cfg.null_values, &r.null_values}) {
      for (const std::string& v : *list) {
        NormalizeText(v, f.norm, &normal);
        f.null_values.emplace_back(TrimSpace(normal));
      }
    }
    for (const auto& [key, value] : r.map) {
      NormalizeText(key, f.norm, &normal);
      f.map.emplace(normal, value);
    }
    if (!r.regex.empty()) {
      f.regex = std::make_unique<RE2>(r.regex, RE2::Quiet);
      if (!f.regex->ok()) {
        return Status::InvalidArgument(r.name + ".regex: " + f.regex->error());
      }
    }
    f.coercion = {r.type, r.parse, DecimalStyleOf(r.format),
                  r.parse == ParseMode::kDate ? r.format : std::string()};
    // A category field has its `.type` rule in the reports (rules check, the
    // manifest's counts) although any text passes it.
    f.coerces = r.type != ColumnType::kString || r.categorical || r.parse != ParseMode::kNone;
    f.rules = {&r.allowed,   r.min,        r.max,
               r.min_length, r.max_length, r.type == ColumnType::kTimestampMicros};
    needs_salt |= r.redact == RedactMode::kHash;

    const int base = static_cast<int>(i) * kStagesPerField;
    std::fill(std::begin(f.count), std::end(f.count), -1);
    auto add = [&](bool set, const char* name, int stage) {
      if (set) f.count[stage] = m.AddCount(r.name + "." + name, Severity::kDrop, 1.0, base + stage);
    };
    add(r.required, "required", kMissing);
    f.count[kNull] = f.count[kMissing];
    add(!r.regex.empty(), "regex", kRegex);
    add(f.coerces, "type", kType);
    // A value that does not coerce under on_error: null is nulled, not dropped:
    // the rule then only counts, like a warn check.
    if (f.coerces && r.on_error == OnError::kNull) m.counts.back().severity = Severity::kWarn;
    add(!r.allowed.empty(), "allowed", kAllowed);
    add(r.min.has_value(), "min", kMin);
    add(r.max.has_value(), "max", kMax);
    add(r.min_length.has_value(), "min_length", kMinLength);
    add(r.max_length.has_value(), "max_length", kMaxLength);
  }

  auto field_index = [&](const std::string& name, const std::string& where, int* idx) {
    const auto it = index_of.find(name);
    if (it == index_of.end()) {
      return Status::InvalidArgument(where + ": unknown field \"" + name + "\"");
    }
    *idx = it->second;
    return Status::OK();
  };
  const int check_base = static_cast<int>(cfg.fields.size()) * kStagesPerField;
  m.checks.resize(cfg.checks.size());
  for (size_t j = 0; j < cfg.checks.size(); ++j) {
    const Check& c = cfg.checks[j];
    Impl::CheckRule& cr = m.checks[j];
    cr.check = &c;
    if (!c.field.empty()) GLEANER_RETURN_IF_ERROR(field_index(c.field, c.name, &cr.field));
    if (!c.regex.empty()) {
      cr.regex = std::make_unique<RE2>(c.regex, RE2::Quiet);
      if (!cr.regex->ok()) return Status::InvalidArgument(c.name + ": " + cr.regex->error());
    }
    const bool timestamp =
        cr.field >= 0 && cfg.fields[cr.field].type == ColumnType::kTimestampMicros;
    cr.rules = {&c.allowed, c.min, c.max, c.min_length, c.max_length, timestamp};
    for (auto [from, to] : {std::pair{&c.left, &cr.left}, std::pair{&c.right, &cr.right}}) {
      if (!from->has_value()) continue;
      to->emplace();
      if ((*from)->field.empty()) {
        (*to)->literal = (*from)->literal;
      } else {
        GLEANER_RETURN_IF_ERROR(field_index((*from)->field, c.name, &(*to)->field));
      }
    }
    cr.count = m.AddCount(c.name, c.severity, c.mostly, check_base + static_cast<int>(j));
  }
  m.stage_drops.assign(check_base + cfg.checks.size(), 0);
  m.failed.assign(m.counts.size(), 0);

  for (const RedactRule& rr : cfg.redact) needs_salt |= rr.mode == RedactMode::kHash;
  if (needs_salt) {
    m.salt = cfg.salt.salt;  // salt_env was resolved when the rules were loaded
    if (m.salt.empty()) {
      const std::string env = cfg.salt.salt_env.empty() ? "GLEANER_REDACT_SALT" : cfg.salt.salt_env;
      return Status::InvalidArgument("redact: hash needs a salt: set the " + env +
                                     " environment variable (or `salt:` in the rules)");
    }
  }
  for (const RedactRule& rr : cfg.redact) {
    std::vector<int> targets;
    if (rr.fields.empty()) {
      for (size_t i = 0; i < cfg.fields.size(); ++i) {
        if (cfg.fields[i].type == ColumnType::kString) targets.push_back(i);  // category too
      }
    } else {
      for (const std::string& name : rr.fields) {
        int idx = 0;
        GLEANER_RETURN_IF_ERROR(field_index(name, "redact", &idx));
        targets.push_back(idx);
      }
    }
    // A field redacted whole has nothing left to find patterns in.
    std::erase_if(targets, [&](int i) { return cfg.fields[i].redact != RedactMode::kNone; });
    m.redactors.push_back(std::make_unique<PiiRedactor>(rr.patterns, rr.mode, m.salt));
    m.redactor_fields.push_back(std::move(targets));
  }
  out->reset(new RowCleaner(std::move(impl)));
  return Status::OK();
}

RowCleaner::RowCleaner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RowCleaner::~RowCleaner() = default;

bool RowCleaner::Impl::CleanField(size_t index, const v1::Record& record, v1::Value* out,
                                  Rejection* rejection) {
  Field& f = fields[index];
  const FieldRule& r = *f.rule;
  const int base = static_cast<int>(index) * kStagesPerField;
  const v1::Value* v = Find(record, f);
  if (v == nullptr) {
    if (r.required) {
      return Drop(base + kMissing, f.count[kMissing], r.name + ".required", r.name + ": missing",
                  rejection);
    }
    out->clear_kind();
    return true;
  }

  // Text steps: normalise, null sentinels, map.
  bool is_null = v->kind_case() == v1::Value::KIND_NOT_SET;
  std::string_view value_text;
  if (v->kind_case() == v1::Value::kStringValue) {
    value_text = v->string_value();
    if (f.norm.active()) {
      NormalizeText(value_text, f.norm, &text);
      value_text = text;
    }
    const std::string_view trimmed = TrimSpace(value_text);
    for (const std::string& null_value : f.null_values) {
      if (trimmed == null_value) {
        is_null = true;
        break;
      }
    }
  } else if (!is_null) {
    value_text = ValueText(*v, &scratch);
  }
  if (!is_null && !f.map.empty()) {
    if (const auto it = f.map.find(value_text); it != f.map.end()) {
      v = &it->second;
      is_null = v->kind_case() == v1::Value::KIND_NOT_SET;
      value_text = ValueText(*v, &scratch);
    }
  }

  if (!is_null && f.regex && !RE2::PartialMatch(value_text, *f.regex)) {
    return Drop(base + kRegex, f.count[kRegex], r.name + ".regex",
                r.name + ": " + Shown(f, value_text) + " does not match /" + r.regex + "/",
                rejection);
  }
  if (!is_null && !CoerceValue(*v, value_text, f.coercion, out)) {
    if (r.on_error == OnError::kDrop) {
      return Drop(base + kType, f.count[kType], r.name + ".type",
                  r.name + ": " + CoercionFailure(f.coercion) + ": " + Shown(f, value_text),
                  rejection);
    }
    ++failed[f.count[kType]];
    is_null = true;
  }
  if (is_null) {
    out->clear_kind();
    if (r.required) {
      return Drop(base + kNull, f.count[kNull], r.name + ".required", r.name + ": null", rejection);
    }
    return true;
  }

  const int stage = FirstViolation(f.rules, *out, r.name, "", nullptr);
  if (stage < 0) return true;
  std::string reason;
  FirstViolation(f.rules, *out, r.name, r.redact == RedactMode::kNone ? Render(*out) : Shown(f, {}),
                 &reason);
  return Drop(base + stage, f.count[stage], counts[f.count[stage]].rule, std::move(reason),
              rejection);
}

bool RowCleaner::Impl::Passes(const CheckRule& c, const std::vector<v1::Value>& row,
                              std::string* reason) {
  const Check& check = *c.check;
  if (c.field >= 0) {
    const v1::Value& v = row[c.field];
    const bool redacted = config.fields[c.field].redact != RedactMode::kNone;
    if (v.kind_case() == v1::Value::KIND_NOT_SET) {
      if (!check.not_null) return true;
      if (reason) *reason = check.field + ": null";
      return false;
    }
    if (c.regex) {
      const std::string_view t = ValueText(v, &scratch);
      if (!RE2::PartialMatch(t, *c.regex)) {
        if (reason) {
          *reason = check.field + ": " + (redacted ? "(redacted value)" : Quote(t)) +
                    " does not match /" + check.regex + "/";
        }
        return false;
      }
    }
    const std::string shown = reason == nullptr ? "" : redacted ? "(redacted value)" : Render(v);
    if (FirstViolation(c.rules, v, check.field, shown, reason) >= 0) return false;
  }
  if (c.left && c.right) {
    const v1::Value& a = c.left->field >= 0 ? row[c.left->field] : c.left->literal;
    const v1::Value& b = c.right->field >= 0 ? row[c.right->field] : c.right->literal;
    if (a.kind_case() == v1::Value::KIND_NOT_SET || b.kind_case() == v1::Value::KIND_NOT_SET) {
      return true;
    }
    int cmp = 0;
    const bool comparable = Compare(a, b, &cmp);
    if (comparable && Holds(check.op, cmp)) return true;
    if (reason) {
      auto written = [](const Check::Operand& o) {
        return o.field.empty() ? Render(o.literal) : o.field;
      };
      const std::string text =
          check.condition_text.empty()
              ? written(*check.left) + " " + check.op + " " + written(*check.right)
              : check.condition_text;
      *reason = text + " failed: " +
                (comparable ? Render(a) + " " + std::string(Negated(check.op)) + " " + Render(b)
                            : "cannot compare " + Render(a) + " with " + Render(b));
    }
    return false;
  }
  return true;
}

void RowCleaner::Impl::RedactRow(std::vector<v1::Value>* row) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    v1::Value& v = (*row)[i];
    if (fields[i].rule->redact == RedactMode::kNone || v.kind_case() != v1::Value::kStringValue) {
      continue;
    }
    if (fields[i].rule->redact == RedactMode::kMask) {
      MaskCodePoints(v.mutable_string_value());
    } else {
      v.set_string_value(HmacSha256Hex(salt, v.string_value()));
    }
  }
  for (size_t k = 0; k < redactors.size(); ++k) {
    for (const int i : redactor_fields[k]) {
      v1::Value& v = (*row)[i];
      if (v.kind_case() == v1::Value::kStringValue) redactors[k]->Redact(v.mutable_string_value());
    }
  }
}

bool RowCleaner::Clean(const v1::Record& record, std::vector<v1::Value>* row,
                       Rejection* rejection) {
  Impl& m = *impl_;
  ++m.rows;
  row->resize(m.fields.size());
  for (size_t i = 0; i < m.fields.size(); ++i) {
    if (!m.CleanField(i, record, &(*row)[i], rejection)) return false;
  }
  // Checks see the values before redaction: a check on an e-mail's shape
  // must not fail because the e-mail was hashed.
  const int check_base = static_cast<int>(m.fields.size()) * kStagesPerField;
  for (size_t j = 0; j < m.checks.size(); ++j) {
    const Impl::CheckRule& c = m.checks[j];
    if (m.Passes(c, *row, nullptr)) continue;
    if (c.check->severity == Severity::kWarn) {
      ++m.failed[c.count];
      continue;
    }
    std::string reason;
    m.Passes(c, *row, &reason);
    return m.Drop(check_base + static_cast<int>(j), c.count, c.check->name, std::move(reason),
                  rejection);
  }
  m.RedactRow(row);
  return true;
}

void RowCleaner::RedactedStagedValues(const v1::Record& record, std::vector<v1::Value>* values) {
  Impl& m = *impl_;
  values->resize(m.fields.size());
  for (size_t i = 0; i < m.fields.size(); ++i) {
    v1::Value& out = (*values)[i];
    const v1::Value* staged = m.Find(record, m.fields[i]);
    if (staged == nullptr) {
      out.Clear();
      continue;
    }
    out = *staged;
    // A whole-value redaction hides a value of any kind: its text is masked or hashed.
    if (m.fields[i].rule->redact != RedactMode::kNone &&
        out.kind_case() != v1::Value::kStringValue && out.kind_case() != v1::Value::KIND_NOT_SET) {
      out.set_string_value(std::string(ValueText(*staged, &m.scratch)));
    }
  }
  m.RedactRow(values);
}

const std::vector<RuleCount>& RowCleaner::counts() const {
  const Impl& m = *impl_;
  // evaluated = rows not dropped at a stage before the rule's own.
  int64_t dropped_before = 0;
  size_t stage = 0;
  for (size_t k = 0; k < m.counts.size(); ++k) {
    for (; stage < static_cast<size_t>(m.stage_of[k]); ++stage)
      dropped_before += m.stage_drops[stage];
    m.counts[k].evaluated = m.rows - dropped_before;
    m.counts[k].failed = m.failed[k];
  }
  return m.counts;
}

void RowCleaner::Merge(const RowCleaner& other) {
  Impl& m = *impl_;
  const Impl& o = *other.impl_;
  m.rows += o.rows;
  for (size_t i = 0; i < m.stage_drops.size() && i < o.stage_drops.size(); ++i) {
    m.stage_drops[i] += o.stage_drops[i];
  }
  for (size_t i = 0; i < m.failed.size() && i < o.failed.size(); ++i) m.failed[i] += o.failed[i];
}

}  // namespace gleaner::rules
