#include "ingest/service/output_path.h"

#include <algorithm>
#include <filesystem>

namespace gleaner::service {

namespace {

namespace fs = std::filesystem;

// weakly_canonical keeps a trailing separator ("/d/" iterates as "/", "d", ""),
// which would make the data directory itself look like a child of itself.
fs::path WithoutTrailingSeparator(fs::path p) {
  p = p.lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p;
}

}  // namespace

Status ResolveOutputDir(const std::string& data_dir, const std::string& out,
                        std::string* resolved) {
  if (out.empty()) {
    return Status::InvalidArgument("a directory below the server's data directory is required");
  }
  if (fs::path(out).is_absolute()) {
    return Status::InvalidArgument("\"" + out +
                                   "\" is absolute; give a path relative to the server's data "
                                   "directory");
  }
  std::error_code ec;
  const fs::path root = WithoutTrailingSeparator(fs::weakly_canonical(data_dir, ec));
  if (ec) return Status::IOError("resolving the data directory " + data_dir + ": " + ec.message());
  const fs::path target = WithoutTrailingSeparator(fs::weakly_canonical(root / out, ec));
  if (ec) return Status::InvalidArgument("cannot resolve \"" + out + "\": " + ec.message());
  // Compared by component, so "/data2" is not taken to be inside "/data".
  auto [r, t] = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
  if (r != root.end() || t == target.end()) {
    return Status::InvalidArgument("\"" + out +
                                   "\" does not lead to a directory below the server's data "
                                   "directory");
  }
  *resolved = target.string();
  return Status::OK();
}

}  // namespace gleaner::service
