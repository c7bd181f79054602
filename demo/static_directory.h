// StaticDirectory: the files below one directory, found by request path as a
// static web server finds them (nginx with `gzip_static on`): percent-decoded,
// never outside the directory (no `..` segment, no symlink leading out), a
// directory's index.html, FILE.gz in place of FILE for a client accepting gzip.
// Reads the file system on every call, so files may change while it serves;
// immutable itself, so thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "demo/conditional_request.h"

namespace gleaner::demo {

// One file to send for a request.
struct StaticFile {
  std::filesystem::path path;     // resolved; FILE.gz's when `gzipped`
  std::string_view content_type;  // from FILE's extension
  bool gzipped = false;           // `path` holds FILE gzip-encoded
  bool has_gzip_copy = false;     // FILE.gz exists, so the answer varies by Accept-Encoding
  // FILE's (not FILE.gz's): the validators name the file, not its content
  // coding, as the shop's pages do. ETag "<mtime hex>-<size hex>" as nginx's.
  Validators validators;
};

enum class StaticLookup {
  kFound,              // *file filled
  kDirectoryNoSlash,   // a directory asked for without its trailing '/': redirect there
  kNotFound,           // no such file, a directory without index.html, a bad escape
  kForbidden,          // outside the directory (`..`, a symlink out), NUL, not a regular file
};

class StaticDirectory {
 public:
  // Files larger than this are not served (a response is held in memory whole).
  static constexpr uint64_t kMaxFileBytes = uint64_t{64} << 20;

  // InvalidArgument when `root` is not an existing directory.
  static Status Open(const std::string& root, std::unique_ptr<StaticDirectory>* out);

  const std::filesystem::path& root() const { return root_; }

  // The file for `path`, a request target's path as sent (percent-encoded, no
  // query or fragment, starting with '/').
  StaticLookup Find(std::string_view path, bool accepts_gzip, StaticFile* file) const;

  // The bytes of a file Find() gave. IOError when it cannot be read or has
  // grown past kMaxFileBytes since.
  static Status Read(const StaticFile& file, std::string* body);

 private:
  explicit StaticDirectory(std::filesystem::path root) : root_(std::move(root)) {}
  // Whether `candidate` resolves to `root_` or a path below it; *resolved gets where.
  bool Contains(const std::filesystem::path& candidate, std::filesystem::path* resolved) const;

  std::filesystem::path root_;  // resolved
};

}  // namespace gleaner::demo
