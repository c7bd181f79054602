#include "demo/static_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <utility>

#include "common/resolved_path.h"

namespace gleaner::demo {
namespace {

namespace fs = std::filesystem;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` with every %XX replaced by its byte; nullopt when a '%' starts no
// valid escape (nginx answers those 400; here the file is simply not found).
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = HexValue(text[i + 1]);
    int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// By extension, as nginx's mime.types names them (no charset: nginx adds none
// unless configured to).
std::string_view ContentTypeOf(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html"},        {".htm", "text/html"},
      {".css", "text/css"},          {".js", "application/javascript"},
      {".txt", "text/plain"},        {".xml", "text/xml"},
      {".json", "application/json"}, {".svg", "image/svg+xml"},
      {".png", "image/png"},         {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},       {".gif", "image/gif"},
      {".ico", "image/x-icon"},      {".pdf", "application/pdf"},
      {".gz", "application/gzip"},
  };
  for (const auto& [suffix, type] : kTypes) {
    if (extension == suffix) return type;
  }
  return "application/octet-stream";
}

std::string Hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(value));
  return text;
}

bool IsRegularFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(fs::status(path, ec));
}

}  // namespace

Status StaticDirectory::Open(const std::string& root, std::unique_ptr<StaticDirectory>* out) {
  fs::path resolved;
  Status status = ResolvePath(root, &resolved);
  std::error_code ec;
  if (!status.ok() || !fs::is_directory(resolved, ec)) {
    return Status::InvalidArgument("fixture: --dir " + root + " is not a directory");
  }
  out->reset(new StaticDirectory(std::move(resolved)));
  return Status::OK();
}

bool StaticDirectory::Contains(const fs::path& candidate, fs::path* resolved) const {
  return ResolvePath(candidate.string(), resolved).ok() &&
         (*resolved == root_ || IsStrictlyBelow(root_, *resolved));
}

StaticLookup StaticDirectory::Find(std::string_view path, bool accepts_gzip,
                                   StaticFile* file) const {
  if (path.empty() || path.front() != '/') return StaticLookup::kNotFound;
  std::optional<std::string> decoded = PercentDecode(path);
  if (!decoded) return StaticLookup::kNotFound;
  if (decoded->find('\0') != std::string::npos) return StaticLookup::kForbidden;
  // Segment by segment after decoding, so "%2e%2e" and "%2F" are what they
  // decode to; empty segments ("//etc") stay below the root.
  fs::path requested = root_;
  for (size_t begin = 0; begin <= decoded->size();) {
    size_t end = std::min(decoded->find('/', begin), decoded->size());
    std::string_view segment = std::string_view(*decoded).substr(begin, end - begin);
    if (segment == "..") return StaticLookup::kForbidden;
    if (!segment.empty() && segment != ".") requested /= std::string(segment);
    begin = end + 1;
  }
  fs::path resolved;
  if (!Contains(requested, &resolved)) return StaticLookup::kForbidden;
  std::error_code ec;
  fs::file_status status = fs::status(resolved, ec);
  if (fs::is_directory(status)) {
    if (path.back() != '/') return StaticLookup::kDirectoryNoSlash;
    requested = resolved / "index.html";
    if (!Contains(requested, &resolved)) return StaticLookup::kForbidden;
    status = fs::status(resolved, ec);
  }
  if (!fs::exists(status)) return StaticLookup::kNotFound;
  struct stat info;
  if (!fs::is_regular_file(status) || ::stat(resolved.c_str(), &info) != 0 ||
      static_cast<uint64_t>(info.st_size) > kMaxFileBytes) {
    return StaticLookup::kForbidden;
  }
  file->path = resolved;
  file->content_type = ContentTypeOf(requested);
  file->gzipped = false;
  file->validators.etag = "\"" + Hex(info.st_mtime) + "-" + Hex(info.st_size) + "\"";
  file->validators.last_modified = info.st_mtime;
  fs::path copy = requested;
  copy += ".gz";
  fs::path copy_resolved;
  file->has_gzip_copy = Contains(copy, &copy_resolved) && IsRegularFile(copy_resolved);
  if (file->has_gzip_copy && accepts_gzip) {
    file->path = copy_resolved;
    file->gzipped = true;
  }
  return StaticLookup::kFound;
}

Status StaticDirectory::Read(const StaticFile& file, std::string* body) {
  int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("fixture: cannot open " + file.path.string());
  struct stat info;
  Status status;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<uint64_t>(info.st_size) > kMaxFileBytes) {
    status = Status::IOError("fixture: " + file.path.string() + " is no regular file of at most " +
                             std::to_string(kMaxFileBytes) + " bytes");
  } else {
    body->resize(static_cast<size_t>(info.st_size));
    size_t done = 0;
    while (done < body->size()) {
      ssize_t n = ::read(fd, body->data() + done, body->size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    body->resize(done);  // a file truncated meanwhile is sent as it now is
  }
  ::close(fd);
  return status;
}

}  // namespace gleaner::demo
