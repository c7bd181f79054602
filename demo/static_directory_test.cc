#include "demo/static_directory.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::demo {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

// DIR/site holds the files served; DIR/secret.txt lies beside it, outside.
struct Site {
  TempDir dir;
  std::unique_ptr<StaticDirectory> files;

  Site() {
    fs::create_directories(dir / "site/sub");
    fs::create_directories(dir / "site/empty");
    WriteFile(dir / "secret.txt", "outside the site\n");
    WriteFile(dir / "site/page.html", "<title>p</title>");
    WriteFile(dir / "site/sub/index.html", "<title>sub</title>");
    Status status = StaticDirectory::Open(dir / "site", &files);
    INFO(status.ToString());
    REQUIRE(status.ok());
  }

  StaticLookup Find(const std::string& path, bool accepts_gzip = false, StaticFile* file = nullptr) {
    StaticFile ignored;
    return files->Find(path, accepts_gzip, file != nullptr ? file : &ignored);
  }
};

void SetModified(const std::string& path, time_t seconds) {
  timeval times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(utimes(path.c_str(), times) == 0);
}

TEST_CASE("a file is found by its percent-encoded path, with nginx's validators and type",
          "[fixture]") {
  Site site;
  WriteFile(site.dir / "site/a b.HTML", "12345");
  SetModified(site.dir / "site/a b.HTML", 1700000000);  // 0x6553f100
  StaticFile file;
  REQUIRE(site.Find("/a%20b.HTML", false, &file) == StaticLookup::kFound);
  CHECK(file.path == fs::canonical(site.dir / "site/a b.HTML"));
  CHECK(file.content_type == "text/html");
  CHECK(file.validators.etag == "\"6553f100-5\"");
  CHECK(file.validators.last_modified == 1700000000);
  CHECK_FALSE(file.gzipped);
  CHECK_FALSE(file.has_gzip_copy);
  std::string body;
  REQUIRE(StaticDirectory::Read(file, &body).ok());
  CHECK(body == "12345");

  WriteFile(site.dir / "site/style.css", "p{}");
  WriteFile(site.dir / "site/blob", "?");
  REQUIRE(site.Find("/style.css", false, &file) == StaticLookup::kFound);
  CHECK(file.content_type == "text/css");
  REQUIRE(site.Find("/blob", false, &file) == StaticLookup::kFound);
  CHECK(file.content_type == "application/octet-stream");
  CHECK(site.Find("/missing.html") == StaticLookup::kNotFound);
  CHECK(site.Find("/page.html%") == StaticLookup::kNotFound);   // a '%' escaping nothing
  CHECK(site.Find("/page.html%zz") == StaticLookup::kNotFound);
}

TEST_CASE("paths leading out of the directory are refused, encoded or not", "[fixture]") {
  Site site;
  REQUIRE(site.Find("/page.html") == StaticLookup::kFound);
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                           "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
                           "/..%2fsecret.txt", "/sub/../page.html", "/page.html%00.txt"}) {
    INFO(path);
    CHECK(site.Find(path) == StaticLookup::kForbidden);
  }
  // An absolute path inside the target is read below the root, never from "/".
  const std::string secret = site.dir / "secret.txt";
  CHECK(site.Find("/" + secret) == StaticLookup::kNotFound);
  CHECK(site.Find("/%2F" + secret.substr(1)) == StaticLookup::kNotFound);
  CHECK(site.Find(secret.substr(1)) == StaticLookup::kNotFound);  // no leading '/'
  // "." segments and doubled slashes stay where they are.
  CHECK(site.Find("/./sub//index.html") == StaticLookup::kFound);
}

TEST_CASE("symlinks are followed inside the directory only, and only regular files are served",
          "[fixture]") {
  Site site;
  fs::create_symlink("../secret.txt", site.dir / "site/out.txt");
  fs::create_directory_symlink(site.dir.path(), site.dir / "site/up");
  fs::create_symlink("page.html", site.dir / "site/alias.html");
  CHECK(site.Find("/out.txt") == StaticLookup::kForbidden);
  CHECK(site.Find("/up/secret.txt") == StaticLookup::kForbidden);
  StaticFile file;
  REQUIRE(site.Find("/alias.html", false, &file) == StaticLookup::kFound);
  CHECK(file.path == fs::canonical(site.dir / "site/page.html"));
  // A FIFO would block the reader forever.
  REQUIRE(mkfifo((site.dir / "site/pipe.html").c_str(), 0600) == 0);
  CHECK(site.Find("/pipe.html") == StaticLookup::kForbidden);
}

TEST_CASE("a directory serves its index.html, asked for with its trailing slash", "[fixture]") {
  Site site;
  StaticFile file;
  REQUIRE(site.Find("/sub/", false, &file) == StaticLookup::kFound);
  CHECK(file.path == fs::canonical(site.dir / "site/sub/index.html"));
  CHECK(file.content_type == "text/html");
  CHECK(site.Find("/sub") == StaticLookup::kDirectoryNoSlash);
  CHECK(site.Find("/empty/") == StaticLookup::kNotFound);
  CHECK(site.Find("/") == StaticLookup::kNotFound);  // the root has no index.html
  WriteFile(site.dir / "site/index.html", "<title>home</title>");
  CHECK(site.Find("/") == StaticLookup::kFound);
}

TEST_CASE("FILE.gz is sent in FILE's place to a client accepting gzip, with FILE's validators",
          "[fixture]") {
  Site site;
  WriteFile(site.dir / "site/page.html.gz", "gzip bytes");
  SetModified(site.dir / "site/page.html", 1700000000);
  StaticFile plain;
  REQUIRE(site.Find("/page.html", false, &plain) == StaticLookup::kFound);
  CHECK_FALSE(plain.gzipped);
  CHECK(plain.has_gzip_copy);
  CHECK(plain.path == fs::canonical(site.dir / "site/page.html"));
  StaticFile gzipped;
  REQUIRE(site.Find("/page.html", true, &gzipped) == StaticLookup::kFound);
  CHECK(gzipped.gzipped);
  CHECK(gzipped.path == fs::canonical(site.dir / "site/page.html.gz"));
  CHECK(gzipped.content_type == "text/html");
  CHECK(gzipped.validators.etag == plain.validators.etag);
  CHECK(gzipped.validators.last_modified == 1700000000);
  std::string body;
  REQUIRE(StaticDirectory::Read(gzipped, &body).ok());
  CHECK(body == "gzip bytes");

  // No copy, or a copy that is a symlink leading out: FILE itself.
  StaticFile sub;
  REQUIRE(site.Find("/sub/", true, &sub) == StaticLookup::kFound);
  CHECK_FALSE(sub.gzipped);
  CHECK_FALSE(sub.has_gzip_copy);
  fs::create_symlink("../../secret.txt", site.dir / "site/sub/index.html.gz");
  REQUIRE(site.Find("/sub/", true, &sub) == StaticLookup::kFound);
  CHECK_FALSE(sub.gzipped);
  CHECK_FALSE(sub.has_gzip_copy);
}

TEST_CASE("a root that is no directory is an InvalidArgument", "[fixture]") {
  TempDir dir;
  WriteFile(dir / "file", "x");
  std::unique_ptr<StaticDirectory> files;
  CHECK(StaticDirectory::Open(dir / "file", &files).code() == Status::Code::kInvalidArgument);
  CHECK(StaticDirectory::Open(dir / "missing", &files).code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace gleaner::demo
