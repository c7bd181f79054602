// An append-only file that reports failures as Status and counts the bytes
// written. Owns its FILE*; closing twice is harmless. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gleaner::shards {

class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Creates or truncates `path`; "-" (kStandardOutputPath) is standard
  // output, written through a descriptor of its own so Close() leaves it open.
  Status Open(const std::string& path);
  Status Append(std::string_view bytes);
  // Flushes and closes; reports a failed flush (a full disk shows up here).
  Status Close();

  int64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  int64_t size_ = 0;
};

}  // namespace gleaner::shards
