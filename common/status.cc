#include "common/status.h"

namespace gleaner {

std::string Status::ToString() const {
  if (ok()) return "OK";
  return message_;
}

int ExitCodeFor(const Status& s) {
  if (s.ok()) return 0;
  return s.IsBadInput() ? 2 : 1;
}

}  // namespace gleaner
