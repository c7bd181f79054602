#include "common/resolved_path.h"

#include <algorithm>

namespace gleaner {

namespace fs = std::filesystem;

Status ResolvePath(const std::string& path, fs::path* resolved) {
  if (path.find('\0') != std::string::npos) {
    return Status::InvalidArgument("a path may not contain a NUL byte");
  }
  std::error_code ec;
  // Made absolute first: weakly_canonical leaves a relative path none of whose
  // prefixes exists relative.
  fs::path p = fs::absolute(path, ec);
  if (!ec) p = fs::weakly_canonical(p, ec).lexically_normal();
  if (ec) return Status::IOError("resolving " + path + ": " + ec.message());
  // weakly_canonical keeps a trailing separator ("/d/" iterates as "/", "d", ""),
  // which would make a directory look like a child of itself.
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  *resolved = std::move(p);
  return Status::OK();
}

bool IsStrictlyBelow(const fs::path& outer, const fs::path& inner) {
  auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return o == outer.end() && i != inner.end();
}

}  // namespace gleaner
