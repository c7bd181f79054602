#include "storage/lock_holder.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "storage/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace gleaner::storage {
namespace {

using gleaner::testing::TempDir;

TEST_CASE("the process holding a store's LOCK is named with its command line") {
  TempDir tmp;
  const std::string lock = tmp.path() + "/LOCK";
  std::ofstream(lock).put('\n');
  CHECK(FindLockHolder(tmp.path()).pid == 0);  // nobody holds it

  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // takes the lock as RocksDB does, then waits to be killed
    int fd = open(lock.c_str(), O_RDWR);
    struct flock f = {};
    f.l_type = F_WRLCK;
    f.l_whence = SEEK_SET;
    char ok = fd >= 0 && fcntl(fd, F_SETLK, &f) == 0 ? '1' : '0';
    (void)!write(ready[1], &ok, 1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char ok = '0';
  REQUIRE(read(ready[0], &ok, 1) == 1);
  close(ready[0]);
  LockHolder holder = FindLockHolder(tmp.path());
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  REQUIRE(ok == '1');
  CHECK(holder.pid == child);
  REQUIRE_FALSE(holder.argv.empty());  // a forked child keeps its parent's command line
  CHECK(holder.Describe().starts_with("pid " + std::to_string(child) + ": "));
}

TEST_CASE("a directory with no LOCK file has no holder") {
  TempDir tmp;
  CHECK(FindLockHolder(tmp.path() + "/missing").pid == 0);
}

}  // namespace
}  // namespace gleaner::storage
