// Where PrepareDataset may write: relative paths that stay below the data
// directory once `..` and existing symlinks are resolved, and nothing else.
#include "service/dataset/output_path.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/temp_dir.h"

using namespace gleaner;

namespace fs = std::filesystem;

TEST_CASE("an output directory must resolve to a place below the data directory") {
  testing::TempDir tmp;
  const std::string data = tmp / "data";
  fs::create_directories(data + "/sub");
  fs::create_directories(tmp / "data2");
  fs::create_directory_symlink(tmp.path(), data + "/escape");
  fs::create_directory_symlink(data + "/sub", data + "/inner");
  const std::string root = fs::canonical(data).string();

  std::string resolved;
  SECTION("accepted") {
    for (const auto& [out, want] :
         std::vector<std::pair<std::string, std::string>>{{"ds", root + "/ds"},
                                                          {"a/b/", root + "/a/b"},
                                                          {"sub/../ds", root + "/ds"},
                                                          {"inner/ds", root + "/sub/ds"},
                                                          {"./x", root + "/x"}}) {
      INFO(out);
      Status s = service::ResolveOutputDir(data, out, &resolved);
      INFO(s.message());
      REQUIRE(s.ok());
      CHECK(resolved == want);
    }
  }
  SECTION("refused") {
    for (const std::string out : {"", "/tmp/x", "../x", "sub/../../x", "../data2/x", ".", "./",
                                  "sub/..", "escape", "escape/x", "inner/../../x"}) {
      INFO(out);
      resolved = "unchanged";
      CHECK(service::ResolveOutputDir(data, out, &resolved).IsInvalidArgument());
      CHECK(resolved == "unchanged");
    }
  }
  SECTION("a data directory named with a trailing slash") {
    REQUIRE(service::ResolveOutputDir(data + "/", "ds", &resolved).ok());
    CHECK(resolved == root + "/ds");
    CHECK(service::ResolveOutputDir(data + "/", ".", &resolved).IsInvalidArgument());
  }
}
