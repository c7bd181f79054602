// ResolvePath and IsStrictlyBelow: where a path lands once `.`, `..` and every
// symlink that already exists are resolved, and whether it lies inside another
// resolved path. They keep outputs away from places they must not write (the
// store's own files, anything outside a server's data directory); a symlink
// created after the check is not seen. Pure; thread-safe.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace gleaner {

// `*resolved` is absolute and has no trailing separator. InvalidArgument when
// `path` holds a NUL byte (the system would read only what precedes it),
// IOError when it cannot be resolved (a symlink loop, a name too long, …).
Status ResolvePath(const std::string& path, std::filesystem::path* resolved);

// Whether `inner` lies strictly inside `outer`, both resolved. Compared by
// component, so "/data2" is not inside "/data".
bool IsStrictlyBelow(const std::filesystem::path& outer, const std::filesystem::path& inner);

}  // namespace gleaner
