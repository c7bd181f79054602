// Where a dataset may be written relative to the staging store it is prepared
// from. RocksDB owns the names in the store's directory — CURRENT, LOCK, LOG*,
// MANIFEST-*, OPTIONS-*, *.sst and *.log of file numbers not used yet,
// archive/ — and a directory under one of them stops the store from opening;
// the one place inside it that is Gleaner's is DatasetsDir, where
// `gleaner serve` writes what PrepareDataset asks for. Pure; thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace gleaner::prepare {

// "STORE/datasets": a name RocksDB never gives a file.
std::string DatasetsDir(const std::string& store_dir);

// InvalidArgument when `out_dir`, with `..` and existing symlinks resolved, is
// the store's directory, contains it, or lies inside it but not strictly
// inside DatasetsDir.
Status CheckOutputLocation(const std::string& store_dir, const std::string& out_dir);

}  // namespace gleaner::prepare
