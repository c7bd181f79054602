// OutputClaims: the dataset directories being written now below DATA/datasets/,
// shared by PrepareDataset calls and the preparations after runs
// (job_dataset_preparer.h) so that two writers never publish into one at once:
// they would share the export's temporary directory, named by the process id.
// Thread-safe.
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "common/status.h"

namespace gleaner::service {

class OutputClaims {
 public:
  // Claims the resolved directory `dir` (what the client called `name`);
  // Aborted "out: another writer is publishing NAME; try again when it ends"
  // while it is claimed. Release it once written.
  Status Claim(const std::string& dir, const std::string& name);
  void Release(const std::string& dir);

 private:
  std::mutex mu_;
  std::set<std::string> claimed_;
};

}  // namespace gleaner::service
