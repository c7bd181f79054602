#include "ingest/prepare/dataset_location.h"

#include <filesystem>

#include "common/resolved_path.h"

namespace gleaner::prepare {

namespace fs = std::filesystem;

std::string DatasetsDir(const std::string& store_dir) {
  return (fs::path(store_dir) / "datasets").string();
}

Status CheckOutputLocation(const std::string& store_dir, const std::string& out_dir) {
  fs::path store, datasets, out;
  GLEANER_RETURN_IF_ERROR(ResolvePath(store_dir, &store));
  GLEANER_RETURN_IF_ERROR(ResolvePath(DatasetsDir(store_dir), &datasets));
  GLEANER_RETURN_IF_ERROR(ResolvePath(out_dir, &out).Annotate("output " + out_dir));
  if (out == store || IsStrictlyBelow(out, store)) {
    return Status::InvalidArgument("output " + out_dir + " would hold the staging store " +
                                   store_dir + "; choose a directory outside it");
  }
  if (IsStrictlyBelow(store, out) && !IsStrictlyBelow(datasets, out)) {
    return Status::InvalidArgument("output " + out_dir + " is inside the staging store " +
                                   store_dir + ", whose files belong to RocksDB; choose a " +
                                   "directory outside it or below " + DatasetsDir(store_dir));
  }
  return Status::OK();
}

}  // namespace gleaner::prepare
