#include "ingest/shards/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ingest/shards/shard_writer.h"

namespace gleaner::shards {

namespace {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

Status OutputFile::Open(const std::string& path) {
  path_ = path;
  if (path == kStandardOutputPath) {
    path_ = "standard output";
    const int fd = dup(STDOUT_FILENO);
    file_ = fd < 0 ? nullptr : fdopen(fd, "wb");
    if (file_ == nullptr) {
      if (fd >= 0) close(fd);
      return ErrnoStatus("cannot write to", path_);
    }
    return Status::OK();
  }
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) return ErrnoStatus("cannot create", path);
  return Status::OK();
}

Status OutputFile::Append(std::string_view bytes) {
  if (file_ == nullptr) return Status::FailedPrecondition("write to closed file " + path_);
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return ErrnoStatus("cannot write", path_);
  }
  size_ += static_cast<int64_t>(bytes.size());
  return Status::OK();
}

Status OutputFile::Close() {
  if (file_ == nullptr) return Status::OK();
  std::FILE* file = file_;
  file_ = nullptr;
  const bool flushed = std::fflush(file) == 0;
  const bool closed = std::fclose(file) == 0;
  if (!flushed || !closed) return ErrnoStatus("cannot finish", path_);
  return Status::OK();
}

}  // namespace gleaner::shards
