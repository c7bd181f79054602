// RowCleaner: the coerce and validate steps of prepare, one staged record at a
// time. It turns a Record's scraped values into a typed row in the order of
// RulesConfig::fields, or rejects it naming the rule and the reason. It keeps
// per-rule counters; one cleaner per thread (not thread-safe), counters of
// several cleaners can be added together with Merge.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/rules/rules_config.h"
#include "schema/gleaner.pb.h"

namespace gleaner::rules {

// Why a row was dropped. `rule` is a check's name or FIELD.CONSTRAINT for field
// rules ("price.type", "title.required", "rating.allowed", "price.min",
// "name.regex", "name.max_length"); `reason` is one line a user can act on:
// `price: not a number: "call us"`, `price: -3 is below min 0`, `title: missing`.
struct Rejection {
  std::string rule;
  std::string reason;
};

// How often a rule was evaluated and failed. Every field constraint that is set
// and every check has one entry, in a stable order (fields in file order, then
// checks). For drop/fail rules `failed` counts rows this rule dropped (a row is
// dropped by the first rule it fails and not evaluated further); warn checks
// count every failure and never drop.
struct RuleCount {
  std::string rule;
  Severity severity = Severity::kDrop;
  double mostly = 1.0;
  int64_t evaluated = 0;
  int64_t failed = 0;
};

class RowCleaner {
 public:
  // Compiles the config's regexes; an InvalidArgument naming salt_env when a
  // hash redaction has no salt. It reads no environment: the rules parser
  // resolved salt_env into the salt.
  static Status Create(const RulesConfig& config, std::unique_ptr<RowCleaner>* out);
  ~RowCleaner();

  // True and *row (one Value per field; unset kind = null) when the record is
  // kept; false and *rejection when it is dropped. Staged fields not declared
  // in the rules are ignored.
  bool Clean(const v1::Record& record, std::vector<v1::Value>* row, Rejection* rejection);

  // The staged value of each declared field (null when absent), in field order,
  // with the rules' redactions applied: what the quarantine may keep of a
  // record the cleaner rejected, without leaking what the rules hide.
  void RedactedStagedValues(const v1::Record& record, std::vector<v1::Value>* values);

  const std::vector<RuleCount>& counts() const;
  // Adds another cleaner's counters (same config) to this one's.
  void Merge(const RowCleaner& other);

 private:
  struct Impl;
  explicit RowCleaner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gleaner::rules
