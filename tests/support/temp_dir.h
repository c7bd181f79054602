// A fresh, empty scratch directory for a test, removed with everything in it
// when its owner goes out of scope: the one every unit test, integration test
// and benchmark uses. Not thread-safe; share the path, not the object.
#pragma once

#include <string>

namespace gleaner::testing {

class TempDir {
 public:
  // Creates gleaner-test-XXXXXX under the system temp directory ($TMPDIR);
  // throws std::runtime_error when it cannot, which fails the test case.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // `path()/name`, not created.
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace gleaner::testing
