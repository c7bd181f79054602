#include "storage/lock_holder.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

namespace gleaner::storage {

std::string LockHolder::Describe() const {
  std::string text = "pid " + std::to_string(pid);
  for (size_t i = 0; i < argv.size(); ++i) text += (i == 0 ? ": " : " ") + argv[i];
  return text;
}

LockHolder FindLockHolder(const std::string& store_dir) {
  LockHolder holder;
  int fd = open((store_dir + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return holder;
  struct flock query = {};
  query.l_type = F_WRLCK;
  query.l_whence = SEEK_SET;  // the whole file, as RocksDB locks it
  bool held = fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK;
  close(fd);
  if (!held) return holder;
  holder.pid = query.l_pid;
  std::ifstream cmdline("/proc/" + std::to_string(holder.pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  for (size_t start = 0; start < raw.size();) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    holder.argv.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return holder;
}

}  // namespace gleaner::storage
