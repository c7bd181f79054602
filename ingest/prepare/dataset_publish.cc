#include "ingest/prepare/dataset_publish.h"

#include <fcntl.h>  // AT_FDCWD
#include <signal.h>
#include <stdio.h>  // renameat2, RENAME_EXCHANGE
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

namespace gleaner::prepare {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTempInfix = ".tmp-";
constexpr std::string_view kOldInfix = ".old-";
constexpr std::string_view kRejectedSuffix = ".drift-rejected.json";

// A sibling of OUT that a publish made: OUT.tmp-PID or OUT.old-PID.
struct Debris {
  std::string dataset;  // OUT's name
  bool old = false;     // OUT.old-PID: a previous dataset moved aside
  pid_t writer = 0;
};

// "NAME.tmp-123" → {NAME, false, 123}; nullopt for any other name.
std::optional<Debris> ParseDebris(const std::string& name) {
  for (std::string_view infix : {kTempInfix, kOldInfix}) {
    const size_t at = name.rfind(infix);
    if (at == std::string::npos || at == 0) continue;
    const char* digits = name.data() + at + infix.size();
    const char* end = name.data() + name.size();
    pid_t pid = 0;
    auto [next, ec] = std::from_chars(digits, end, pid);
    if (ec != std::errc() || next != end || digits == end || pid <= 0) continue;
    return Debris{name.substr(0, at), infix == kOldInfix, pid};
  }
  return std::nullopt;
}

// Our own PID counts as gone: it names a directory of an earlier process that
// had it (one publish into an OUT at a time per process, see the header).
bool WriterGone(pid_t pid) { return pid != getpid() ? kill(pid, 0) != 0 && errno == ESRCH : true; }

std::string ErrnoText() { return std::strerror(errno); }

// OUT without a trailing separator, so that OUT.tmp-PID is a sibling.
fs::path Normal(const std::string& out) {
  fs::path p = fs::path(out).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p;
}

fs::path ParentOf(const fs::path& out) {
  return out.has_parent_path() ? out.parent_path() : fs::path(".");
}

// The fallback for file systems without RENAME_EXCHANGE.
Status MoveAsideAndRename(const std::string& tmp, const std::string& out) {
  const std::string old = out + std::string(kOldInfix) + std::to_string(getpid());
  if (rename(out.c_str(), old.c_str()) != 0) {
    return Status::IOError("moving aside " + out + ": " + ErrnoText());
  }
  if (rename(tmp.c_str(), out.c_str()) != 0) {
    const Status error = Status::IOError("renaming " + tmp + " to " + out + ": " + ErrnoText());
    rename(old.c_str(), out.c_str());
    return error;
  }
  std::error_code ignored;  // what is left is debris the next RecoverPublish removes
  fs::remove_all(old, ignored);
  return Status::OK();
}

}  // namespace

Status CheckPublishTarget(const std::string& out) {
  const std::string name = Normal(out).filename().string();
  if (name.empty() || name == "." || name == "..") {
    return Status::InvalidArgument("output " + out + " does not name a directory");
  }
  if (ParseDebris(name)) {
    return Status::InvalidArgument("output " + out + ": names ending in " +
                                   std::string(kTempInfix) + "N or " + std::string(kOldInfix) +
                                   "N are where datasets are published from; choose another");
  }
  if (name.ends_with(kRejectedSuffix)) {
    return Status::InvalidArgument("output " + out + ": names ending in " +
                                   std::string(kRejectedSuffix) +
                                   " are where refused datasets' drift reports go; choose another");
  }
  return Status::OK();
}

std::string RejectedReportPath(const std::string& out) {
  return Normal(out).string() + std::string(kRejectedSuffix);
}

std::string PublishTempDir(const std::string& out) {
  return Normal(out).string() + std::string(kTempInfix) + std::to_string(getpid());
}

Status PublishDir(const std::string& tmp, const std::string& out_dir) {
  const std::string out = Normal(out_dir).string();
  if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) {
    std::error_code ignored;  // `tmp` now holds the old dataset; left over, it is debris
    fs::remove_all(tmp, ignored);
    return Status::OK();
  }
  if (errno == ENOENT) {  // no dataset at `out` yet
    if (rename(tmp.c_str(), out.c_str()) == 0) return Status::OK();
    return Status::IOError("renaming " + tmp + " to " + out + ": " + ErrnoText());
  }
  if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) return MoveAsideAndRename(tmp, out);
  return Status::IOError("swapping " + tmp + " with " + out + ": " + ErrnoText());
}

Status RecoverPublish(const std::string& out_dir) {
  const fs::path out = Normal(out_dir);
  const std::string name = out.filename().string();
  std::vector<Debris> found;
  std::vector<fs::path> paths;
  std::error_code ec;
  for (fs::directory_iterator it(ParentOf(out), ec), end; !ec && it != end; it.increment(ec)) {
    std::optional<Debris> debris = ParseDebris(it->path().filename().string());
    if (!debris || debris->dataset != name || !WriterGone(debris->writer)) continue;
    found.push_back(*debris);
    paths.push_back(it->path());
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return Status::IOError("listing " + ParentOf(out).string() + ": " + ec.message());
  }
  for (size_t i = 0; i < found.size(); ++i) {
    if (found[i].old && !fs::exists(fs::symlink_status(out, ec))) {
      if (rename(paths[i].c_str(), out.c_str()) != 0) {
        return Status::IOError("restoring " + paths[i].string() + " as " + out.string() + ": " +
                               ErrnoText());
      }
      continue;
    }
    fs::remove_all(paths[i], ec);
    if (ec) return Status::IOError("removing " + paths[i].string() + ": " + ec.message());
  }
  return Status::OK();
}

Status RecoverPublishesBelow(const std::string& root) {
  std::set<fs::path> datasets;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, ec), end;
  if (ec == std::errc::no_such_file_or_directory) return Status::OK();
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;  // an entry that vanished or cannot be read is skipped
    if (it->is_symlink(entry_ec) || !it->is_directory(entry_ec)) {
      it.disable_recursion_pending();
      continue;
    }
    const fs::path& path = it->path();
    if (std::optional<Debris> debris = ParseDebris(path.filename().string())) {
      datasets.insert(path.parent_path() / debris->dataset);
      it.disable_recursion_pending();
    } else if (fs::exists(path / "manifest.json", entry_ec)) {
      it.disable_recursion_pending();  // a dataset: its own directories are never debris
    }
  }
  if (ec) return Status::IOError("listing " + root + ": " + ec.message());
  for (const fs::path& dataset : datasets) GLEANER_RETURN_IF_ERROR(RecoverPublish(dataset));
  return Status::OK();
}

}  // namespace gleaner::prepare
