// FindLockHolder: which process holds a store directory open for writing.
// RocksDB's primary keeps an fcntl write lock on DIR/LOCK for its lifetime;
// fcntl(F_GETLK) names the holder's pid, and /proc its command line, so a
// second writer can say who is in its way (a `gleaner serve`, another
// crawl). Linux only; stateless; safe from any thread.
#pragma once

#include <string>
#include <vector>

namespace gleaner::storage {

struct LockHolder {
  int pid = 0;                    // 0: no process holds the lock, or it cannot be told
  std::vector<std::string> argv;  // empty when /proc does not say
  std::string Describe() const;   // "pid 123: gleaner serve --data d"
};

LockHolder FindLockHolder(const std::string& store_dir);

}  // namespace gleaner::storage
