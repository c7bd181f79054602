// The versions a dataset directory remembers, so a monitor can compare a new
// dataset with one published before it (drift_monitor.h): beside its shards,
// every dataset directory holds history/VERSION/ — manifest.json, profile.json
// and drift.json (when it had one) of each version published at that path
// before it — and history/index.json, their versions oldest first. Each
// publish carries the history forward into the new dataset's temporary
// directory (hard links: published files are never rewritten), with the
// replaced dataset added, so the history is published atomically with the
// data. Functions over their arguments; thread-safe for distinct directories.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

namespace gleaner::prepare {

inline constexpr const char* kHistoryDir = "history";
// The newest versions kept; a version the rules' monitor pins is kept besides.
inline constexpr size_t kHistoryKeep = 20;
// The files of a dataset its history keeps (a missing one is skipped).
inline constexpr const char* kHistoryFiles[] = {"manifest.json", "profile.json", "drift.json"};

// The version manifest.json of the dataset at `dataset_dir` names; NotFound
// when it has no manifest.json, Corruption when the manifest has no version.
Status ReadDatasetVersion(const std::string& dataset_dir, std::string* version);

// Writes `new_dir`/history from the dataset at `out_dir` (nothing when there
// is none, or its manifest names no version): its history, then itself,
// newest last, without `new_version` (the history holds the versions before
// the new one), the oldest dropped beyond kHistoryKeep except `pinned` (empty: none).
Status CarryHistory(const std::string& out_dir, const std::string& new_dir,
                    const std::string& new_version, const std::string& pinned);

// Where the files of `version` are for the dataset at `out_dir`: `out_dir`
// itself when it is that version, else its history entry. NotFound, naming
// the versions there are, when neither holds it.
Status FindVersion(const std::string& out_dir, const std::string& version, std::string* dir);

}  // namespace gleaner::prepare
