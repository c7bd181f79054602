#include "storage/rocks_status.h"

#include <rocksdb/status.h>

#include <string>

namespace gleaner::storage {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  const std::string context(what);
  if (s.IsNotFound()) return Status::NotFound(context + ": not found");
  if (s.IsCorruption()) {
    return Status::Corruption(context + ": the store is damaged (" + s.ToString() +
                              "); restore it from a copy or re-crawl into a new store");
  }
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    // The caller's input is fine; the store is busy (exit 1, not 2).
    return Status::Unavailable(context + ": the store is in use by another writing process");
  }
  return Status::IOError(context + ": " + s.ToString());
}

}  // namespace gleaner::storage
