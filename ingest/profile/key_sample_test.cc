#include "ingest/profile/key_sample.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_key_hash.h"

namespace gleaner::profile {
namespace {

using nlohmann::json;
using schema::ColumnType;

const std::vector<ColumnDescription> kColumns = {
    {"n", ColumnType::kInt64, false},
    {"s", ColumnType::kString, false},
    {"fetch_time", ColumnType::kTimestampMicros, false}};

using testing::TestKeyHash;

KeySample Empty() { return KeySample("id", {{"n", 0}, {"s", 1}}); }

// Row i of key i % keys; null every 7th n, fetch_time different on every row.
std::vector<v1::Value> Row(int64_t i) {
  std::vector<v1::Value> row(3);
  if (i % 7 != 0) row[0].set_int_value(i % 11);
  row[1].set_string_value("s" + std::to_string(i % 13));
  row[2].set_timestamp_micros(i * 1000);
  return row;
}

TEST_CASE("a key sample of fewer keys than its capacity holds every key with its row count") {
  KeySample sample = Empty();
  std::map<uint64_t, int64_t> rows;  // the oracle: rows per key, counted here
  for (int64_t i = 0; i < 5000; ++i) {
    const uint64_t key = TestKeyHash(static_cast<uint64_t>(i % 1500));
    sample.Add(key, Row(i));
    ++rows[key];
  }
  CHECK(sample.complete());
  REQUIRE(sample.entries().size() == rows.size());
  for (const auto& [key, entry] : sample.entries()) CHECK(entry.rows == rows.at(key));
}

TEST_CASE(
    "a key sample past its capacity keeps the smallest key hashes and says it is incomplete") {
  KeySample sample = Empty();
  std::vector<uint64_t> all;
  for (uint64_t k = 0; k < 50000; ++k) {
    sample.Add(TestKeyHash(k), Row(static_cast<int64_t>(k)));
    all.push_back(TestKeyHash(k));
  }
  std::sort(all.begin(), all.end());
  all.resize(KeySample::kCapacity);
  std::vector<uint64_t> kept;
  for (const auto& [key, entry] : sample.entries()) kept.push_back(key);
  CHECK_FALSE(sample.complete());
  CHECK(kept == all);
}

TEST_CASE("content hashes change with a compared column's value only, whatever the row order") {
  // Two rows of one key added in either order hash alike; a changed value in
  // column s changes s's hash only; fetch_time is not compared.
  KeySample a = Empty(), b = Empty(), c = Empty();
  std::vector<v1::Value> first = Row(1), second = Row(2);
  a.Add(5, first);
  a.Add(5, second);
  second[2].set_timestamp_micros(999);  // another fetch time
  b.Add(5, second);
  b.Add(5, first);
  CHECK(a.entries() == b.entries());
  second[1].set_string_value("other");
  c.Add(5, first);
  c.Add(5, second);
  const KeySample::Entry& ea = a.entries().at(5);
  const KeySample::Entry& ec = c.entries().at(5);
  CHECK(ea.content[0] == ec.content[0]);
  CHECK(ea.content[1] != ec.content[1]);
  // A null is neither an empty string nor a zero.
  KeySample nulls = Empty(), empties = Empty();
  std::vector<v1::Value> row(3);
  nulls.Add(1, row);
  row[0].set_int_value(0);
  row[1].set_string_value("");
  empties.Add(1, row);
  CHECK(nulls.entries().at(1).content[1] != empties.entries().at(1).content[1]);
  CHECK(nulls.entries().at(1).content[0] != empties.entries().at(1).content[0]);
}

TEST_CASE("merging key samples of parts, in any order, gives the sample of the whole") {
  // Keys shared between parts (rows of one key in several shards) included.
  const auto part = [](int64_t from, int64_t to, uint64_t keys) {
    KeySample s = Empty();
    for (int64_t i = from; i < to; ++i) s.Add(TestKeyHash(static_cast<uint64_t>(i) % keys), Row(i));
    return s;
  };
  for (uint64_t keys : {uint64_t{900}, uint64_t{30000}}) {
    INFO(keys << " keys");
    const KeySample whole = part(0, 60000, keys);
    const KeySample p1 = part(0, 10000, keys), p2 = part(10000, 35000, keys),
                    p3 = part(35000, 60000, keys);
    for (const auto& order : std::vector<std::vector<const KeySample*>>{
             {&p1, &p2, &p3}, {&p3, &p1, &p2}, {&p2, &p3, &p1}}) {
      KeySample merged = *order[0];
      REQUIRE(merged.Merge(*order[1]).ok());
      REQUIRE(merged.Merge(*order[2]).ok());
      CHECK(merged.complete() == whole.complete());
      CHECK(merged.entries() == whole.entries());
    }
  }
  KeySample other("sku", {{"n", 0}, {"s", 1}});
  KeySample mine = Empty();
  CHECK(mine.Merge(other).IsInvalidArgument());
}

TEST_CASE("a key sample reads back from its JSON, and bad JSON is refused naming the field") {
  KeySample sample = Empty();
  for (int64_t i = 0; i < 20000; ++i)
    sample.Add(TestKeyHash(static_cast<uint64_t>(i % 9000)), Row(i));
  KeySample back;
  REQUIRE(KeySample::FromJson(sample.ToJson(), "p.json", kColumns, &back).ok());
  CHECK(back.entries() == sample.entries());
  CHECK(back.complete() == sample.complete());
  CHECK(back.columns() == sample.columns());
  CHECK(back.key() == "id");

  const auto refused = [&](const json& doc, const std::string& field) {
    KeySample out;
    const Status s = KeySample::FromJson(doc, "p.json", kColumns, &out);
    INFO(s.ToString());
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().rfind("p.json", 0) == 0);
    CHECK(s.message().find(field) != std::string::npos);
  };
  json doc = sample.ToJson();
  refused(json::array(), "expected a JSON object");
  json bad = doc;
  bad["capacity"] = 10;
  refused(bad, "capacity");
  bad = doc;
  bad["columns"][0] = "missing";
  refused(bad, "columns[0]");
  bad = doc;
  bad["columns"][1] = "n";
  refused(bad, "named twice");
  bad = doc;
  bad["hashes"] = doc["hashes"].get<std::string>().substr(0, 16 * 100);
  refused(bad, "exactly");  // incomplete but not full
  bad = doc;
  std::string hashes = doc["hashes"];
  std::swap_ranges(hashes.begin(), hashes.begin() + 16, hashes.begin() + 16);
  bad["hashes"] = hashes;
  refused(bad, "ascending");
  bad = doc;
  bad["rows"][3] = 0;
  refused(bad, "rows[3]");
  bad = doc;
  bad["content"][1] = "xyz";
  refused(bad, "content[1]");
  bad = doc;
  bad["content"].erase(1);
  refused(bad, "content");
}

}  // namespace
}  // namespace gleaner::profile
