#include "ingest/rules/row_cleaner.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/support/value_builders.h"

namespace gleaner::rules {
namespace {

using schema::ColumnType;

using testing::Dbl;
using testing::Int;
using testing::Str;

v1::Record Rec(std::vector<std::pair<std::string, v1::Value>> fields) {
  v1::Record r;
  for (auto& [name, value] : fields) {
    v1::Field* f = r.add_fields();
    f->set_name(name);
    *f->mutable_value() = value;
  }
  return r;
}

FieldRule Field(std::string name, ColumnType type = ColumnType::kString) {
  FieldRule f;
  f.name = std::move(name);
  f.type = type;
  return f;
}

std::unique_ptr<RowCleaner> Make(const RulesConfig& config) {
  std::unique_ptr<RowCleaner> c;
  const Status s = RowCleaner::Create(config, &c);
  INFO(s.message());
  REQUIRE(s.ok());
  return c;
}

// Cleans one record; returns the rejection, or rule "" and the row when kept.
struct Result {
  bool kept = false;
  std::vector<v1::Value> row;
  Rejection rejection;
};
Result Run(RowCleaner& c, const v1::Record& record) {
  Result r;
  r.kept = c.Clean(record, &r.row, &r.rejection);
  return r;
}

RulesConfig OneField(FieldRule f) {
  RulesConfig config;
  config.fields.push_back(std::move(f));
  return config;
}

void CheckDropped(const Result& r, const std::string& rule, const std::string& reason) {
  CHECK_FALSE(r.kept);
  CHECK(r.rejection.rule == rule);
  CHECK(r.rejection.reason == reason);
}

TEST_CASE("currency text becomes a float, or drops the row with a reason") {
  FieldRule price = Field("price", ColumnType::kDouble);
  price.parse = ParseMode::kCurrency;
  auto c = Make(OneField(price));
  Result r = Run(*c, Rec({{"price", Str(" $1,234.50\xC2\xA0")}}));
  REQUIRE(r.kept);
  CHECK(r.row.at(0).double_value() == 1234.5);
  CheckDropped(Run(*c, Rec({{"price", Str("call us")}})), "price.type",
               "price: not a number: \"call us\"");
  // JSON numbers pass through as they are.
  r = Run(*c, Rec({{"price", Int(12)}}));
  REQUIRE(r.kept);
  CHECK(r.row.at(0).double_value() == 12.0);
}

TEST_CASE("date coercion failure quotes the expected format, long text is cut") {
  FieldRule updated = Field("updated", ColumnType::kTimestampMicros);
  updated.parse = ParseMode::kDate;
  updated.format = "%Y-%m-%d";
  auto c = Make(OneField(updated));
  CheckDropped(Run(*c, Rec({{"updated", Str("yesterday")}})), "updated.type",
               "updated: not a date (expected %Y-%m-%d): \"yesterday\"");
  Result r = Run(*c, Rec({{"updated", Str("1970-01-02")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].timestamp_micros() == 86400LL * 1'000'000);
  const std::string long_text(100, 'x');
  CheckDropped(Run(*c, Rec({{"updated", Str(long_text)}})), "updated.type",
               "updated: not a date (expected %Y-%m-%d): \"" + std::string(80, 'x') + "...\"");
}

TEST_CASE("on_error: null nulls a bad value and counts it without dropping") {
  FieldRule qty = Field("qty", ColumnType::kInt64);
  qty.on_error = OnError::kNull;
  auto c = Make(OneField(qty));
  Result r = Run(*c, Rec({{"qty", Str("12.5")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].kind_case() == v1::Value::KIND_NOT_SET);
  r = Run(*c, Rec({{"qty", Str("12")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].int_value() == 12);
  REQUIRE(c->counts().size() == 1);
  CHECK(c->counts()[0].rule == "qty.type");
  CHECK(c->counts()[0].severity == Severity::kWarn);
  CHECK(c->counts()[0].evaluated == 2);
  CHECK(c->counts()[0].failed == 1);
}

TEST_CASE("required: missing and null drop, optional fields become null") {
  FieldRule title = Field("title");
  title.required = true;
  RulesConfig config = OneField(title);
  config.fields.push_back(Field("note"));
  config.null_values = {"N/A"};
  auto c = Make(config);
  CheckDropped(Run(*c, Rec({{"note", Str("x")}})), "title.required", "title: missing");
  CheckDropped(Run(*c, Rec({{"title", v1::Value()}})), "title.required", "title: null");
  CheckDropped(Run(*c, Rec({{"title", Str(" N/A\xC2\xA0")}})), "title.required", "title: null");
  Result r = Run(*c, Rec({{"title", Str("Dune")}, {"extra", Str("ignored")}}));
  REQUIRE(r.kept);
  REQUIRE(r.row.size() == 2);
  CHECK(r.row[0].string_value() == "Dune");
  CHECK(r.row[1].kind_case() == v1::Value::KIND_NOT_SET);
}

TEST_CASE("null sentinels are compared after normalisation, per field and global") {
  FieldRule price = Field("price", ColumnType::kDouble);
  price.parse = ParseMode::kNumber;
  price.case_fold = CaseFold::kLower;
  price.null_values = {"Unknown"};
  RulesConfig config = OneField(price);
  config.null_values = {"", "N/A"};
  auto c = Make(config);
  for (const char* text : {"", "  ", "N/A", "n/a", " UNKNOWN "}) {
    INFO(text);
    Result r = Run(*c, Rec({{"price", Str(text)}}));
    REQUIRE(r.kept);
    CHECK(r.row[0].kind_case() == v1::Value::KIND_NOT_SET);
  }
}

TEST_CASE("trim, collapse and case folding shape string values") {
  FieldRule a = Field("a");
  a.trim = true;
  FieldRule b = Field("b");
  b.collapse_whitespace = true;
  b.case_fold = CaseFold::kUpper;
  FieldRule raw = Field("raw");
  RulesConfig config;
  config.fields = {a, b, raw};
  auto c = Make(config);
  Result r = Run(*c, Rec({{"a", Str("\xC2\xA0 x  y ")},
                          {"b", Str(" crème \xC2\xA0 brûlée\n")},
                          {"raw", Str(" as is ")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].string_value() == "x  y");
  CHECK(r.row[1].string_value() == "CRÈME BRÛLÉE");
  CHECK(r.row[2].string_value() == " as is ");
}

TEST_CASE("map replaces exact text before coercion, keys folded like the text") {
  FieldRule rating = Field("rating", ColumnType::kInt64);
  rating.trim = true;
  rating.case_fold = CaseFold::kLower;
  rating.map = {{"One", Int(1)}, {"Two", Str("2")}, {"None", v1::Value()}};
  auto c = Make(OneField(rating));
  Result r = Run(*c, Rec({{"rating", Str(" ONE ")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].int_value() == 1);
  r = Run(*c, Rec({{"rating", Str("two")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].int_value() == 2);
  r = Run(*c, Rec({{"rating", Str("none")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].kind_case() == v1::Value::KIND_NOT_SET);
  CheckDropped(Run(*c, Rec({{"rating", Str("three")}})), "rating.type",
               "rating: not an integer: \"three\"");
}

TEST_CASE("regex must match the text, numbers are matched as their text") {
  FieldRule sku = Field("sku");
  sku.regex = "^[A-Z]{2}-\\d+$";
  FieldRule code = Field("code", ColumnType::kInt64);
  code.regex = "^1";
  RulesConfig config;
  config.fields = {sku, code};
  auto c = Make(config);
  CHECK(Run(*c, Rec({{"sku", Str("AB-12")}, {"code", Int(12)}})).kept);
  CheckDropped(Run(*c, Rec({{"sku", Str("ab-12")}})), "sku.regex",
               "sku: \"ab-12\" does not match /^[A-Z]{2}-\\d+$/");
  CheckDropped(Run(*c, Rec({{"sku", Str("AB-1")}, {"code", Int(21)}})), "code.regex",
               "code: \"21\" does not match /^1/");
  // A missing optional value is not matched.
  CHECK(Run(*c, Rec({})).kept);
}

TEST_CASE("allowed, min and max on typed values") {
  FieldRule rating = Field("rating", ColumnType::kInt64);
  rating.allowed = {Int(1), Int(2), Int(3)};
  FieldRule price = Field("price", ColumnType::kDouble);
  price.min = 0;
  price.max = 100;
  FieldRule color = Field("color");
  color.categorical = true;
  color.allowed = {Str("red"), Str("blue")};
  RulesConfig config;
  config.fields = {rating, price, color};
  auto c = Make(config);
  CHECK(Run(*c, Rec({{"rating", Int(3)}, {"price", Dbl(0)}, {"color", Str("red")}})).kept);
  CHECK(Run(*c, Rec({{"rating", Str("2")}, {"price", Int(100)}})).kept);
  CheckDropped(Run(*c, Rec({{"rating", Int(7)}})), "rating.allowed",
               "rating: 7 is not one of [1, 2, 3]");
  CheckDropped(Run(*c, Rec({{"price", Int(-3)}})), "price.min", "price: -3 is below min 0");
  CheckDropped(Run(*c, Rec({{"price", Dbl(100.5)}})), "price.max", "price: 100.5 is above max 100");
  CheckDropped(Run(*c, Rec({{"color", Str("green")}})), "color.allowed",
               "color: \"green\" is not one of [\"red\", \"blue\"]");
}

TEST_CASE("lengths count code points, not bytes") {
  FieldRule name = Field("name");
  name.min_length = 2;
  name.max_length = 4;
  auto c = Make(OneField(name));
  CHECK(Run(*c, Rec({{"name", Str("José")}})).kept);  // 4 code points, 5 bytes
  CHECK(Run(*c, Rec({{"name", Str("日本")}})).kept);  // 2 code points, 6 bytes
  CheckDropped(Run(*c, Rec({{"name", Str("é")}})), "name.min_length",
               "name: \"é\" is shorter than min_length 2 (1 characters)");
  CheckDropped(Run(*c, Rec({{"name", Str("Josée")}})), "name.max_length",
               "name: \"Josée\" is longer than max_length 4 (5 characters)");
}

TEST_CASE("redact: mask and hash replace the whole value, after checks") {
  FieldRule email = Field("email");
  email.redact = RedactMode::kHash;
  FieldRule name = Field("name");
  name.redact = RedactMode::kMask;
  name.max_length = 5;
  RulesConfig config;
  config.fields = {email, name};
  config.salt.salt = "Jefe";
  Check shape;
  shape.name = "email_shape";
  shape.field = "email";
  shape.regex = "\\?$";
  config.checks = {shape};
  auto c = Make(config);
  // RFC 4231 test case 2: HMAC-SHA-256(key "Jefe", "what do ya want for nothing?").
  Result r = Run(*c, Rec({{"email", Str("what do ya want for nothing?")}, {"name", Str("José")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].string_value() ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(r.row[1].string_value() == "****");
  // Reasons do not show a redacted value.
  CheckDropped(Run(*c, Rec({{"email", Str("x?")}, {"name", Str("Josephine")}})), "name.max_length",
               "name: (redacted value) is longer than max_length 5 (9 characters)");
}

TEST_CASE("a rejected record's staged values keep the rules' redactions for the quarantine") {
  FieldRule email = Field("email");
  email.redact = RedactMode::kHash;
  FieldRule phone = Field("phone_number", ColumnType::kInt64);
  phone.source = "phone";
  phone.redact = RedactMode::kMask;
  FieldRule note = Field("note");
  FieldRule price = Field("price", ColumnType::kDouble);
  RulesConfig config;
  config.fields = {email, phone, note, price};
  config.salt.salt = "Jefe";
  RedactRule patterns;
  patterns.patterns = {PiiPattern::kEmail};
  config.redact = {patterns};
  auto c = Make(config);
  const v1::Record record = Rec({{"email", Str("what do ya want for nothing?")},
                                 {"phone", Int(5551234)},
                                 {"note", Str("mail me at ann@example.com")},
                                 {"undeclared", Str("bob@example.com")}});
  std::vector<v1::Value> staged;
  c->RedactedStagedValues(record, &staged);
  REQUIRE(staged.size() == 4);
  CHECK(staged[0].string_value() ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(staged[1].string_value() == "*******");  // the int's 7 digits, masked
  CHECK(staged[2].string_value() == "mail me at [email]");
  CHECK(staged[3].kind_case() == v1::Value::KIND_NOT_SET);  // absent: null
}

TEST_CASE("hash redaction without a salt is refused, and the cleaner reads no environment") {
  FieldRule email = Field("email");
  email.redact = RedactMode::kHash;
  RulesConfig config = OneField(email);
  config.salt.salt_env = "GLEANER_TEST_SALT_FOR_ROW_CLEANER";
  // The rules parser resolves salt_env when it loads the rules; a config
  // built without it has no salt, whatever the environment holds.
  setenv("GLEANER_TEST_SALT_FOR_ROW_CLEANER", "Jefe", 1);
  std::unique_ptr<RowCleaner> c;
  const Status s = RowCleaner::Create(config, &c);
  unsetenv("GLEANER_TEST_SALT_FOR_ROW_CLEANER");
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("GLEANER_TEST_SALT_FOR_ROW_CLEANER") != std::string::npos);

  config.salt.salt = "Jefe";
  c = Make(config);
  Result r = Run(*c, Rec({{"email", Str("what do ya want for nothing?")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].string_value() ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("pattern redaction hides e-mails and phones in text fields") {
  RulesConfig config;
  config.fields = {Field("bio"), Field("contact"), Field("phone_count", ColumnType::kInt64)};
  RedactRule all;
  all.patterns = {PiiPattern::kEmail, PiiPattern::kPhone};
  config.redact = {all};
  auto c = Make(config);
  Result r = Run(*c, Rec({{"bio", Str("mail bob@example.com or call (555) 123-4567")},
                          {"contact", Str("costs $1,234.50 on 2024-03-01")},
                          {"phone_count", Int(5551234567)}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].string_value() == "mail [email] or call [phone]");
  CHECK(r.row[1].string_value() == "costs $1,234.50 on 2024-03-01");
  CHECK(r.row[2].int_value() == 5551234567);

  // Only the listed fields, hashed; rejection reasons are redacted too.
  RedactRule listed;
  listed.patterns = {PiiPattern::kEmail};
  listed.fields = {"contact"};
  listed.mode = RedactMode::kHash;
  config.redact = {listed};
  config.salt.salt = "Jefe";
  config.fields[1].regex = "^x";
  c = Make(config);
  r = Run(*c, Rec({{"bio", Str("bob@example.com")}, {"contact", Str("x a@b.io")}}));
  REQUIRE(r.kept);
  CHECK(r.row[0].string_value() == "bob@example.com");
  // HMAC-SHA-256("Jefe", "a@b.io"), computed with `openssl dgst -sha256 -hmac Jefe`.
  CHECK(r.row[1].string_value() ==
        "x 64ab95c70c78dc9c3fa1fe74759a9a65236f75f1179488ddcbe9623e42342687");
  r = Run(*c, Rec({{"contact", Str("write a@b.io")}}));
  REQUIRE_FALSE(r.kept);
  CHECK(r.rejection.reason.find("a@b.io") == std::string::npos);
}

RulesConfig PriceRange() {
  RulesConfig config;
  config.fields = {Field("min_price", ColumnType::kDouble), Field("max_price", ColumnType::kInt64),
                   Field("title")};
  return config;
}
Check Condition(std::string name, std::string left, std::string op, Check::Operand right,
                Severity severity = Severity::kDrop) {
  Check c;
  c.name = std::move(name);
  c.severity = severity;
  c.left = Check::Operand{std::move(left), {}};
  c.op = std::move(op);
  c.right = std::move(right);
  return c;
}

TEST_CASE("condition checks compare fields and literals") {
  RulesConfig config = PriceRange();
  Check range = Condition("price_range", "min_price", "<=", {"max_price", {}});
  range.condition_text = "min_price <= max_price";
  Check title = Condition("not_tbd", "title", "!=", {"", Str("TBD")});
  config.checks = {range, title};
  auto c = Make(config);
  CHECK(Run(*c, Rec({{"min_price", Dbl(10)}, {"max_price", Int(10)}, {"title", Str("a")}})).kept);
  CheckDropped(Run(*c, Rec({{"min_price", Dbl(12)}, {"max_price", Int(10)}})), "price_range",
               "min_price <= max_price failed: 12 > 10");
  // Either side null passes.
  CHECK(Run(*c, Rec({{"min_price", Dbl(12)}})).kept);
  CheckDropped(Run(*c, Rec({{"title", Str("TBD")}})), "not_tbd",
               "title != \"TBD\" failed: \"TBD\" == \"TBD\"");
}

TEST_CASE("single-field checks: not_null, regex, allowed, min, max, lengths") {
  RulesConfig config = PriceRange();
  Check present;
  present.name = "price_present";
  present.field = "min_price";
  present.not_null = true;
  Check shape;
  shape.name = "title_shape";
  shape.field = "title";
  shape.regex = "\\S";
  Check cap;
  cap.name = "cap";
  cap.field = "max_price";
  cap.max = 50;
  cap.allowed = {Int(10), Int(60)};
  Check len;
  len.name = "title_len";
  len.field = "title";
  len.max_length = 3;
  config.checks = {present, shape, cap, len};
  auto c = Make(config);
  CHECK(Run(*c, Rec({{"min_price", Dbl(1)}, {"max_price", Int(10)}, {"title", Str("abc")}})).kept);
  CheckDropped(Run(*c, Rec({})), "price_present", "min_price: null");
  CheckDropped(Run(*c, Rec({{"min_price", Dbl(1)}, {"title", Str(" ")}})), "title_shape",
               "title: \" \" does not match /\\S/");
  CheckDropped(Run(*c, Rec({{"min_price", Dbl(1)}, {"max_price", Int(20)}})), "cap",
               "max_price: 20 is not one of [10, 60]");
  CheckDropped(Run(*c, Rec({{"min_price", Dbl(1)}, {"max_price", Int(60)}})), "cap",
               "max_price: 60 is above max 50");
  CheckDropped(Run(*c, Rec({{"min_price", Dbl(1)}, {"title", Str("abcd")}})), "title_len",
               "title: \"abcd\" is longer than max_length 3 (4 characters)");
}

TEST_CASE("warn checks count, first drop wins, counts and Merge") {
  FieldRule price = Field("price", ColumnType::kDouble);
  price.required = true;
  price.min = 0;
  RulesConfig config;
  config.fields = {price, Field("title")};
  Check warn = Condition("cheap", "price", "<", {"", Int(100)}, Severity::kWarn);
  Check fail = Condition("titled", "title", "!=", {"", Str("")}, Severity::kFail);
  fail.mostly = 0.9;
  Check late_warn = Condition("very_cheap", "price", "<", {"", Int(10)}, Severity::kWarn);
  config.checks = {warn, fail, late_warn};
  auto a = Make(config);
  auto b = Make(config);
  // a: kept (fails both warns), dropped by price.min, dropped by titled after the first warn.
  CHECK(Run(*a, Rec({{"price", Int(500)}, {"title", Str("x")}})).kept);
  CheckDropped(Run(*a, Rec({{"price", Int(-1)}})), "price.min", "price: -1 is below min 0");
  Result r = Run(*a, Rec({{"price", Int(200)}, {"title", Str("")}}));
  CHECK_FALSE(r.kept);
  CHECK(r.rejection.rule == "titled");
  // b: dropped by required, kept passing everything.
  CheckDropped(Run(*b, Rec({{"title", Str("x")}})), "price.required", "price: missing");
  CHECK(Run(*b, Rec({{"price", Dbl(5)}, {"title", Str("y")}})).kept);

  const auto& ca = a->counts();
  REQUIRE(ca.size() == 6);
  CHECK(ca[0].rule == "price.required");
  CHECK(ca[0].evaluated == 3);
  CHECK(ca[0].failed == 0);
  CHECK(ca[1].rule == "price.type");
  CHECK(ca[2].rule == "price.min");
  CHECK(ca[2].evaluated == 3);
  CHECK(ca[2].failed == 1);
  CHECK(ca[3].rule == "cheap");
  CHECK(ca[3].severity == Severity::kWarn);
  CHECK(ca[3].evaluated == 2);
  CHECK(ca[3].failed == 2);
  CHECK(ca[4].rule == "titled");
  CHECK(ca[4].severity == Severity::kFail);
  CHECK(ca[4].mostly == 0.9);
  CHECK(ca[4].evaluated == 2);
  CHECK(ca[4].failed == 1);

  a->Merge(*b);
  const auto& m = a->counts();
  REQUIRE(m.size() == 6);
  CHECK(m[0].evaluated == 5);
  CHECK(m[0].failed == 1);
  CHECK(m[1].evaluated == 4);  // price.type: not reached by the missing row
  CHECK(m[2].evaluated == 4);
  CHECK(m[3].evaluated == 3);
  CHECK(m[3].failed == 2);
  CHECK(m[4].evaluated == 3);
  CHECK(m[5].rule == "very_cheap");
  CHECK(m[5].evaluated == 2);
  CHECK(m[5].failed == 1);  // 500 from a; 5 from b passes
}

}  // namespace
}  // namespace gleaner::rules
