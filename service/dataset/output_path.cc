#include "service/dataset/output_path.h"

#include <filesystem>

#include "common/resolved_path.h"

namespace gleaner::service {

Status ResolveOutputDir(const std::string& root_dir, const std::string& out,
                        std::string* resolved) {
  if (out.empty()) {
    return Status::InvalidArgument("a directory below the server's datasets directory is required");
  }
  if (out.find('\0') != std::string::npos) {
    return Status::InvalidArgument("contains a NUL byte; name a directory without one");
  }
  if (std::filesystem::path(out).is_absolute()) {
    return Status::InvalidArgument("\"" + out +
                                   "\" is absolute; give a path relative to the server's datasets "
                                   "directory");
  }
  std::filesystem::path root;
  GLEANER_RETURN_IF_ERROR(ResolvePath(root_dir, &root));
  std::filesystem::path target;
  if (Status s = ResolvePath((root / out).string(), &target); !s.ok()) {
    return Status::InvalidArgument("cannot resolve \"" + out + "\": " + s.message());
  }
  if (!IsStrictlyBelow(root, target)) {
    return Status::InvalidArgument("\"" + out +
                                   "\" does not lead to a directory below the server's datasets "
                                   "directory");
  }
  *resolved = target.string();
  return Status::OK();
}

}  // namespace gleaner::service
