// SourceKeyCensus: which staged keys the rules' fields read (`from:`, or the
// field's own name) occur in at least one scanned record. A key that occurs in
// none is a typo or a field the crawl never extracts, and would give a column
// that is null in every row; the census turns that into an error naming the
// field's place in the rules file and the closest key the records do have.
// Observing is cheap once every key has been seen (the usual case, after the
// first record). Borrows the RulesConfig, which must outlive it; not thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/rules/rules_config.h"
#include "schema/gleaner.pb.h"

namespace gleaner::prepare {

class SourceKeyCensus {
 public:
  explicit SourceKeyCensus(const rules::RulesConfig& rules);

  void Observe(const v1::Record& record);

  // OK when every field's key occurred, or when no record was observed (there
  // is nothing to compare with; the pipeline warns about the empty job instead).
  // Otherwise InvalidArgument "FILE:LINE:COL: field 'F' reads staged key 'K',
  // which none of the N records has (did you mean 'L'?); the records have: ...".
  Status Check() const;

 private:
  const rules::RulesConfig& rules_;
  std::vector<bool> seen_;  // by field index
  size_t unseen_ = 0;
  int64_t records_ = 0;
  // Every distinct key of the records observed while some field's key was
  // still unseen, for the suggestion (bounded: see kMaxKeys in the .cc).
  std::set<std::string> keys_;
};

}  // namespace gleaner::prepare
