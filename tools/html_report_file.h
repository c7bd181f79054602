// The --html flag of `gleaner profile` and `gleaner drift`: the report page
// (ingest/report/) rendered and written to the file the user named, whole or
// not at all — written beside it as FILE.tmp, then renamed over it. A path
// that cannot be opened for writing (no such directory, a directory, no
// permission) is the user's input to fix: InvalidArgument, exit 2; a write
// or rename that fails midway is IOError, exit 1. Not thread-safe for one path.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace gleaner::tools {

// The profile report of the dataset at `dataset_dir` (its profile summary,
// and its manifest.json when it can be read) into `path`.
Status WriteProfileHtml(const std::string& dataset_dir, const nlohmann::json& summary,
                        const std::string& path);

// The drift report of `gleaner drift --json`'s document into `path`.
Status WriteDriftHtml(const nlohmann::ordered_json& drift, const std::string& path);

}  // namespace gleaner::tools
