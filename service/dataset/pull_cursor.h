// PullCursor: what a PullDataset resume token stands for. The pipeline is
// deterministic for a given set of staged records and rules, so "continue"
// means "run it again and skip the first `rows` rows of this split" — valid
// only while the job's records and the rules text are the ones the stream
// began with, which the token pins (the job's next record sequence number and
// a hash of the rules). Plain value; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gleaner::service {

struct PullCursor {
  uint64_t record_seq = 0;  // JobState.next_record_seq when the stream began
  uint64_t rules_hash = 0;  // RulesHash of the rules text
  std::string split;
  uint64_t rows = 0;  // rows of the split already delivered

  std::string Encode() const;
  // InvalidArgument for a token this server did not make.
  static Status Decode(std::string_view token, PullCursor* out);
};

uint64_t RulesHash(std::string_view rules_yaml);

}  // namespace gleaner::service
