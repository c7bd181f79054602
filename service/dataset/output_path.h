// ResolveOutputDir: where a directory a client names (PrepareDataset's `out`)
// lands on the server. The name is relative to a root directory (for
// PrepareDataset, the datasets directory of the server's data directory,
// prepare::DatasetsDir) and, once `..` and every symlink that already exists
// are resolved, must lie strictly below it; anything else, a NUL byte
// included, is InvalidArgument. The check is made once, before writing, so a
// symlink swapped in afterwards is not caught (only local users who can
// already write the data directory could do that). Pure; thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace gleaner::service {

// On success `*resolved` is the absolute, symlink-free path to write to.
Status ResolveOutputDir(const std::string& root_dir, const std::string& out, std::string* resolved);

}  // namespace gleaner::service
