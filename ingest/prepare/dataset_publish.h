// Publishing a finished dataset directory at OUT so that a kill -9 at any
// moment leaves OUT holding either the old dataset or the new one, whole. The
// writer fills PublishTempDir(OUT) — OUT.tmp-PID, a sibling, so on the same
// file system — and PublishDir swaps it with OUT in one
// renameat2(RENAME_EXCHANGE), then removes the old dataset now at OUT.tmp-PID.
// On a file system without RENAME_EXCHANGE the old dataset is moved aside to
// OUT.old-PID first, and a kill between the two renames leaves OUT absent
// until RecoverPublish restores it. RecoverPublish, run before every publish
// into OUT (and by `gleaner serve` at start for its datasets), mends what
// killed writers left: their OUT.tmp-PID go, a stranded OUT.old-PID comes back.
// A writer is gone when its PID is: writers of one OUT must share a PID
// namespace, and a process runs one publish into a given OUT at a time (the
// temporary name is per process). Thread-safe otherwise.
#pragma once

#include <string>

#include "common/status.h"

namespace gleaner::prepare {

// InvalidArgument when `out` cannot be published to: its last component is
// empty, "." or "..", or is a name publishing uses for its own directories
// (NAME.tmp-N, NAME.old-N), which a publish into NAME would remove, or for a
// refused dataset's report (NAME.drift-rejected.json).
Status CheckPublishTarget(const std::string& out);

// "OUT.tmp-PID": where this process writes the dataset it will publish at `out`.
std::string PublishTempDir(const std::string& out);

// "OUT.drift-rejected.json": the drift report of a dataset a monitor refused to
// publish (drift_monitor.h), kept beside the dataset left at OUT until a
// later publish into OUT succeeds. RecoverPublish leaves it alone.
std::string RejectedReportPath(const std::string& out);

// Makes the complete directory `tmp` the one at `out` (replacing what is there).
Status PublishDir(const std::string& tmp, const std::string& out);

// Removes OUT.tmp-N and OUT.old-N of writers that are gone, first restoring
// such an OUT.old-N as OUT when OUT is absent.
Status RecoverPublish(const std::string& out);

// RecoverPublish for every dataset below `root` that has debris beside it
// (datasets are not descended into). A missing `root` has nothing to recover.
Status RecoverPublishesBelow(const std::string& root);

}  // namespace gleaner::prepare
