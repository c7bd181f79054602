#include "storage/keys.h"

namespace gleaner::storage {

Status ValidateJobName(std::string_view job) {
  if (job.empty() || job.size() > 128) {
    return Status::InvalidArgument("job name must be 1 to 128 characters");
  }
  for (char c : job) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("job name '" + std::string(job) +
                                     "' may only contain letters, digits, '_', '.' and '-'");
    }
  }
  return Status::OK();
}

std::string JobPrefix(std::string_view job) {
  std::string k(job);
  k.push_back('\0');
  return k;
}

std::string SeqKey(std::string_view job, uint64_t seq) {
  std::string k = JobPrefix(job);
  PutFixed64BE(&k, seq);
  return k;
}

bool DecodeSeqKey(std::string_view key, std::string_view job, uint64_t* seq) {
  if (key.size() != job.size() + 1 + 8 || key.substr(0, job.size()) != job ||
      key[job.size()] != '\0') {
    return false;
  }
  *seq = DecodeFixed64BE(key.data() + job.size() + 1);
  return true;
}

std::string UrlPrefix(std::string_view job, std::string_view url_prefix) {
  std::string k = JobPrefix(job);
  k.append(url_prefix);
  return k;
}

std::string UrlRecordKey(std::string_view job, std::string_view url, uint32_t index_in_page) {
  std::string k = UrlPrefix(job, url);
  k.push_back('\0');
  k.push_back('r');
  PutFixed32BE(&k, index_in_page);
  return k;
}

namespace {

// "<job>\0<url>\0<tag>"
std::string UrlTagKey(std::string_view job, std::string_view url, char tag) {
  std::string k = UrlPrefix(job, url);
  k.push_back('\0');
  k.push_back(tag);
  return k;
}

}  // namespace

std::string UrlPageKey(std::string_view job, std::string_view url) {
  return UrlTagKey(job, url, 'p');
}

std::string UrlStateKey(std::string_view job, std::string_view url) {
  return UrlTagKey(job, url, 'm');
}

std::string UrlLinksKey(std::string_view job, std::string_view url) {
  return UrlTagKey(job, url, 'l');
}

std::string UrlLinkedKey(std::string_view job, std::string_view url) {
  return UrlTagKey(job, url, 'k');
}

char UrlKeyTag(std::string_view key) {
  // A record key's index bytes may end in "\0p" and the like: its shape is
  // checked first (a URL holds no NUL, so the other shapes cannot pass for it).
  if (key.size() >= 6 && key[key.size() - 6] == '\0' && key[key.size() - 5] == 'r') return 'r';
  if (key.size() >= 2 && key[key.size() - 2] == '\0' &&
      std::string_view("pmlk").find(key.back()) != std::string_view::npos) {
    return key.back();
  }
  return 0;
}

std::string RunKey(std::string_view job, uint32_t run) {
  std::string k = JobPrefix(job);
  PutFixed32BE(&k, run);
  return k;
}

}  // namespace gleaner::storage
