// ResolveOutputDir: where a directory a client names (PrepareDataset's `out`)
// lands on the server. The name is relative to the server's data directory
// and, once `..` and every symlink that already exists are resolved, must lie
// strictly below it; anything else is InvalidArgument. The check is made once,
// before writing, so a symlink swapped in afterwards is not caught (only local
// users who can already write the data directory could do that). Pure; thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace gleaner::service {

// On success `*resolved` is the absolute, symlink-free path to write to.
Status ResolveOutputDir(const std::string& data_dir, const std::string& out, std::string* resolved);

}  // namespace gleaner::service
