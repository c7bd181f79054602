#include "service/dataset/output_claims.h"

namespace gleaner::service {

Status OutputClaims::Claim(const std::string& dir, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (claimed_.insert(dir).second) return Status::OK();
  return Status::Aborted("out: another writer is publishing \"" + name +
                         "\"; try again when it ends");
}

void OutputClaims::Release(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  claimed_.erase(dir);
}

}  // namespace gleaner::service
