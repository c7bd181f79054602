// DatasetPuller: the client side of PullDataset (`gleaner pull`). It streams
// one split of a job's cleaned dataset from a server and, when the stream
// breaks with UNAVAILABLE (the server restarts, the network drops), opens a
// new one from the resume token of the last batch received, so the batches
// it hands on carry every row of the split once, in order. It writes
// nothing itself: the caller's callback takes the batches. Not thread-safe:
// one Pull at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "schema/gleaner_service.pb.h"
#include "service/client/service_client.h"

namespace gleaner::service {

class DatasetPuller {
 public:
  struct Options {
    ClientConfig config;  // its timeout_s bounds each stream, not the whole pull
    int attempts = 4;     // streams per pull when one breaks with UNAVAILABLE
    // Told why a stream broke, before it is resumed.
    std::function<void(const std::string& why)> on_resume;
  };
  // Takes one batch; an error stops the pull and is Pull's result.
  using BatchFn = std::function<Status(const v1::PullDatasetResponse& batch)>;

  explicit DatasetPuller(Options options) : options_(std::move(options)) {}

  // Pulls `request` (its resume_token, if any, is where to start) to its
  // end. The server's errors as FromGrpc has them, annotated with the
  // server's address; the last one when every attempt broke.
  Status Pull(v1::PullDatasetRequest request, const BatchFn& on_batch);

 private:
  const Options options_;
};

}  // namespace gleaner::service
