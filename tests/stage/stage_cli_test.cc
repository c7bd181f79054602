// Drives the real `gleaner stage` binary against a store this test fills
// through JobWriter, so every expected line below follows from the rows
// written here.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "storage/job_writer.h"
#include "storage/store_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace gleaner::testing {
namespace {

using nlohmann::json;
using storage::testing::ListTree;
using storage::testing::MakeRecord;
using testing::TempDir;
using testing::ProcessResult;
using testing::RunProcess;

constexpr const char* kPageA = "https://books.example/a";
constexpr const char* kPageB = "https://books.example/b";
constexpr int64_t kT0 = 1700000000000000;  // 2023-11-14T22:13:20Z
// Unsets $GLEANER_DATA in the child, so only --data can name the store.
const std::map<std::string, std::string> kNoDataEnv = {{"GLEANER_DATA", ""}};

v1::Value IntValue(int64_t v) {
  v1::Value value;
  value.set_int_value(v);
  return value;
}

v1::Value DoubleValue(double v) {
  v1::Value value;
  value.set_double_value(v);
  return value;
}

// job "books": three records (two from page A, one from B), A's page, one
// error; job "books.old", whose name extends "books", one record.
void FillStore(const std::string& dir) {
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(dir, {}, &store).ok());
  std::unique_ptr<storage::JobWriter> books;
  REQUIRE(storage::JobWriter::Open(store.get(), "books", &books).ok());

  v1::Record alpha = MakeRecord("books", kPageA, 0, {{"title", "Alpha"}});
  alpha.set_fetch_time_micros(kT0);
  auto* price = alpha.add_fields();
  price->set_name("price");
  *price->mutable_value() = IntValue(12);
  REQUIRE(books->AddRecord(alpha).ok());

  v1::Record beta = MakeRecord("books", kPageB, 0, {{"title", "Beta, the sequel"}});
  beta.set_fetch_time_micros(kT0 + 1000000);
  price = beta.add_fields();
  price->set_name("price");
  *price->mutable_value() = DoubleValue(7.5);
  REQUIRE(books->AddRecord(beta).ok());

  v1::Record gamma = MakeRecord("books", kPageA, 1, {{"title", "Gamma"}, {"isbn", "978-0"}});
  gamma.set_fetch_time_micros(kT0);
  REQUIRE(books->AddRecord(gamma).ok());

  v1::Page page;
  page.set_job("books");
  page.set_url(kPageA);
  page.set_final_url(std::string(kPageA) + "/");
  page.add_redirects(std::string(kPageA) + "/");
  page.set_status(200);
  auto* header = page.add_headers();
  header->set_name("content-type");
  header->set_value("text/html");
  page.set_body("<html>hello</html>");
  page.set_fetch_time_micros(kT0);
  page.set_depth(1);
  REQUIRE(books->AddPage(page).ok());

  v1::FetchError error;
  error.set_job("books");
  error.set_url("https://books.example/missing");
  error.set_kind(v1::ERROR_HTTP_STATUS);
  error.set_http_status(404);
  error.set_attempts(2);
  error.set_message("not found");
  error.set_time_micros(kT0 + 2000000);
  REQUIRE(books->AddError(error).ok());

  books->mutable_state()->set_phase(v1::JOB_RUNNING);
  books->mutable_state()->mutable_stats()->set_pages_fetched(2);
  books->mutable_state()->mutable_stats()->set_bytes_fetched(1000);
  REQUIRE(books->Commit().ok());

  std::unique_ptr<storage::JobWriter> old;
  REQUIRE(storage::JobWriter::Open(store.get(), "books.old", &old).ok());
  REQUIRE(
      old->AddRecord(MakeRecord("books.old", "https://old.example/x", 0, {{"title", "Old"}})).ok());
  old->mutable_state()->set_phase(v1::JOB_SUCCEEDED);
  REQUIRE(old->Commit().ok());
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

class StageCli {
 public:
  StageCli() : store_dir_(tmp_ / "store") { FillStore(store_dir_); }

  // `gleaner stage ARGS... --data STORE`, with $GLEANER_DATA unset.
  ProcessResult Stage(std::vector<std::string> args) const {
    args.push_back("--data");
    args.push_back(store_dir_);
    return Run(std::move(args));
  }

  // `gleaner stage ARGS...` exactly as given.
  ProcessResult Run(std::vector<std::string> args) const {
    args.insert(args.begin(), {GLEANER_BINARY, "stage"});
    ProcessResult r = RunProcess(args, kNoDataEnv);
    INFO("stderr: " << r.err);
    return r;
  }

  // Succeeds and parses stdout as JSON.
  json StageJson(std::vector<std::string> args) const {
    args.push_back("--json");
    ProcessResult r = Stage(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }

  const std::string& store_dir() const { return store_dir_; }
  const TempDir& tmp() const { return tmp_; }

 private:
  TempDir tmp_;
  std::string store_dir_;
};

// A failed read: exit 2, nothing on stdout, exactly one "gleaner: " line.
void CheckBadInput(const ProcessResult& r, const std::string& expected_message) {
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "gleaner: " + expected_message + "\n");
}

TEST_CASE("stage jobs lists every job with its counts") {
  StageCli cli;
  ProcessResult table = cli.Stage({"jobs"});
  REQUIRE(table.exit_code == 0);
  std::vector<std::string> lines = Lines(table.out);
  REQUIRE(lines.size() == 3);
  // Columns are padded to the widest cell plus two spaces ("books.old", "succeeded", "1000").
  CHECK(lines[0] ==
        "JOB        PHASE      RUN  RECORDS  PAGES  ERRORS  FETCHED  BYTES  UPDATED");
  // "-": the test writer keeps no runs.
  CHECK(lines[1].rfind("books      running    -    3        1      1       2        1000   ", 0) ==
        0);
  CHECK(lines[2].rfind("books.old  succeeded  -    1        0      0       0        0      ", 0) ==
        0);
  CHECK_THAT(Words(lines[1]).back(), Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)"));

  json jobs = cli.StageJson({"jobs"});
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0]["job"] == "books");
  CHECK(jobs[0]["phase"] == "running");
  CHECK(jobs[0]["records"] == 3);
  CHECK(jobs[0]["pages"] == 1);
  CHECK(jobs[0]["errors"] == 1);
  CHECK(jobs[0]["stats"]["pages_fetched"] == 2);
  CHECK(jobs[0]["stats"]["bytes_fetched"] == 1000);
  CHECK(jobs[0]["run"].is_null());
  CHECK(jobs[1]["job"] == "books.old");
  CHECK(jobs[1]["phase"] == "succeeded");
  CHECK(jobs[1]["records"] == 1);
  CHECK(jobs[1]["pages"] == 0);
  CHECK(jobs[1]["errors"] == 0);
}

TEST_CASE("stage jobs on an empty store says so") {
  TempDir tmp;
  std::string dir = tmp / "store";
  {
    std::unique_ptr<storage::StagingStore> store;
    REQUIRE(storage::StagingStore::OpenPrimary(dir, {}, &store).ok());
  }
  ProcessResult r = RunProcess({GLEANER_BINARY, "stage", "jobs", "--data", dir});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "no jobs in " + dir + "\n");
  ProcessResult j = RunProcess({GLEANER_BINARY, "stage", "jobs", "--json", "--data", dir});
  CHECK(j.exit_code == 0);
  CHECK(json::parse(j.out) == json::array());
}

TEST_CASE("stage count prints the record count") {
  StageCli cli;
  ProcessResult r = cli.Stage({"count", "books"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "3\n");
  CHECK(r.err.empty());
  CHECK(cli.StageJson({"count", "books"}) ==
        json{{"job", "books"}, {"records", 3}, {"pages", 1}, {"errors", 1}});
  CHECK(cli.Stage({"count", "books.old"}).out == "1\n");
}

TEST_CASE("stage scan lists records in insertion order") {
  StageCli cli;
  ProcessResult r = cli.Stage({"scan", "books"});
  REQUIRE(r.exit_code == 0);
  CHECK(
      Lines(r.out) ==
      std::vector<std::string>{
          "URL                      FETCHED                      FIELDS",
          "https://books.example/a  2023-11-14T22:13:20.000000Z  title=Alpha  price=12",
          "https://books.example/b  2023-11-14T22:13:21.000000Z  title=Beta, the sequel  price=7.5",
          "https://books.example/a  2023-11-14T22:13:20.000000Z  title=Gamma  isbn=978-0",
          "(3 records)"});

  json records = cli.StageJson({"scan", "books"});
  REQUIRE(records.size() == 3);
  CHECK(records[0] == json{{"source_url", kPageA},
                           {"fetch_time", "2023-11-14T22:13:20.000000Z"},
                           {"title", "Alpha"},
                           {"price", 12}});
  CHECK(records[1]["price"] == 7.5);
  CHECK(records[2]["isbn"] == "978-0");
  // Field order is kept: source_url, fetch_time, then extraction order.
  auto ordered = nlohmann::ordered_json::parse(cli.Stage({"scan", "books", "--json"}).out);
  std::vector<std::string> keys;
  for (const auto& [key, value] : ordered[2].items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"source_url", "fetch_time", "title", "isbn"});
}

TEST_CASE("stage scan --prefix and --limit narrow the records") {
  StageCli cli;
  auto titles = [](const json& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r["title"]);
    return out;
  };
  CHECK(titles(cli.StageJson({"scan", "books", "--prefix", kPageA})) ==
        std::vector<std::string>{"Alpha", "Gamma"});
  // URL order under a prefix: a#0, a#1, then b.
  CHECK(titles(cli.StageJson({"scan", "books", "--prefix", "https://books.example/", "--limit",
                              "2"})) == std::vector<std::string>{"Alpha", "Gamma"});
  CHECK(titles(cli.StageJson({"scan", "books", "--limit", "2"})) ==
        std::vector<std::string>{"Alpha", "Beta, the sequel"});
  CHECK(cli.StageJson({"scan", "books", "--prefix", "https://nowhere.example/"}) == json::array());

  ProcessResult limited = cli.Stage({"scan", "books", "--limit", "1"});
  CHECK(limited.exit_code == 0);
  CHECK(Lines(limited.out).size() == 3);
  CHECK(Lines(limited.out).back() == "(1 records)");
}

TEST_CASE("stage scan of a job never shows the rows of a job whose name extends it") {
  StageCli cli;
  json books = cli.StageJson({"scan", "books"});
  for (const auto& r : books) CHECK(r["source_url"] != "https://old.example/x");
  json old = cli.StageJson({"scan", "books.old"});
  REQUIRE(old.size() == 1);
  CHECK(old[0]["title"] == "Old");
}

TEST_CASE("stage get shows the page and records of one URL") {
  StageCli cli;
  ProcessResult r = cli.Stage({"get", "books", kPageA});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "url: https://books.example/a\n"
        "page: status 200, 18 bytes, fetched 2023-11-14T22:13:20.000000Z, final URL "
        "https://books.example/a/\n"
        "records: 2\n"
        "  [0]\n"
        "    title: Alpha\n"
        "    price: 12\n"
        "  [1]\n"
        "    title: Gamma\n"
        "    isbn: 978-0\n");

  json got = cli.StageJson({"get", "books", kPageA});
  CHECK(got["url"] == kPageA);
  CHECK(got["page"]["status"] == 200);
  CHECK(got["page"]["body_bytes"] == 18);
  CHECK(got["page"]["final_url"] == "https://books.example/a/");
  CHECK(got["page"]["redirects"] == json::array({"https://books.example/a/"}));
  CHECK(got["page"]["headers"] == json{{"content-type", "text/html"}});
  CHECK(got["page"]["depth"] == 1);
  CHECK(got["page"].count("body") == 0);
  REQUIRE(got["records"].size() == 2);
  CHECK(got["records"][1]["title"] == "Gamma");
}

TEST_CASE("stage get of a URL with records but no page says the page is not stored") {
  StageCli cli;
  ProcessResult r = cli.Stage({"get", "books", kPageB});
  REQUIRE(r.exit_code == 0);
  CHECK(Lines(r.out)[1] == "page: not stored");
  json got = cli.StageJson({"get", "books", kPageB});
  CHECK(got["page"].is_null());
  CHECK(got["records"].size() == 1);
}

TEST_CASE("stage get of an unknown URL is bad input") {
  StageCli cli;
  CheckBadInput(cli.Stage({"get", "books", "https://books.example/zzz"}),
                "no records or page for https://books.example/zzz in job 'books'");
}

TEST_CASE("stage errors lists permanent failures") {
  StageCli cli;
  ProcessResult r = cli.Stage({"errors", "books"});
  REQUIRE(r.exit_code == 0);
  CHECK(Lines(r.out) ==
        std::vector<std::string>{
            "URL                            KIND               STATUS  ATTEMPTS  MESSAGE",
            "https://books.example/missing  ERROR_HTTP_STATUS  404     2         not found",
            "(1 errors)"});
  CHECK(cli.StageJson({"errors", "books"}) ==
        json::array({{{"url", "https://books.example/missing"},
                      {"kind", "ERROR_HTTP_STATUS"},
                      {"http_status", 404},
                      {"curl_code", 0},
                      {"message", "not found"},
                      {"attempts", 2},
                      {"time", "2023-11-14T22:13:22.000000Z"}}}));
  CHECK(cli.StageJson({"errors", "books.old"}) == json::array());
}

TEST_CASE("stage stats counts keys and bytes per column family") {
  StageCli cli;
  json stats = cli.StageJson({"stats"});
  // records: 3 + 1; urls: one index key per record plus one for A's page.
  CHECK(stats["jobs"]["keys"] == 2);
  CHECK(stats["frontier"]["keys"] == 0);
  CHECK(stats["pages"]["keys"] == 1);
  CHECK(stats["records"]["keys"] == 4);
  CHECK(stats["errors"]["keys"] == 1);
  CHECK(stats["urls"]["keys"] == 5);
  // "<job>\0<url>\0r<4 bytes>" or "<job>\0<url>\0p", each -> 8-byte seq:
  // 3 x (5+1+23+1+1+4+8) + (5+1+23+1+1+8) + (9+1+21+1+1+4+8) = 129 + 39 + 45.
  CHECK(stats["urls"]["bytes"] == 213);
  CHECK(stats["meta"] ==
        json{{"keys", 1}, {"bytes", 15}, {"sst_bytes", stats["meta"]["sst_bytes"]}});
  CHECK(stats["runs"]["keys"] == 0);  // the test writer keeps no runs

  ProcessResult table = cli.Stage({"stats"});
  REQUIRE(table.exit_code == 0);
  std::vector<std::string> lines = Lines(table.out);
  REQUIRE(lines.size() == 9);
  CHECK(Words(lines[0]) == std::vector<std::string>{"FAMILY", "KEYS", "BYTES", "SST_BYTES"});
  std::vector<std::string> families;
  for (size_t i = 1; i < lines.size(); ++i) families.push_back(Words(lines[i])[0]);
  CHECK(families == std::vector<std::string>{"jobs", "frontier", "pages", "records", "errors",
                                             "urls", "meta", "runs"});
  CHECK(Words(lines[6])[1] == "5");
  CHECK(Words(lines[6])[2] == "213");
}

TEST_CASE("stage dump writes every record as JSONL or CSV") {
  StageCli cli;
  ProcessResult jsonl = cli.Stage({"dump", "books"});
  REQUIRE(jsonl.exit_code == 0);
  CHECK(
      jsonl.out ==
      R"({"source_url":"https://books.example/a","fetch_time":"2023-11-14T22:13:20.000000Z","title":"Alpha","price":12})"
      "\n"
      R"({"source_url":"https://books.example/b","fetch_time":"2023-11-14T22:13:21.000000Z","title":"Beta, the sequel","price":7.5})"
      "\n"
      R"({"source_url":"https://books.example/a","fetch_time":"2023-11-14T22:13:20.000000Z","title":"Gamma","isbn":"978-0"})"
      "\n");
  CHECK(cli.Stage({"dump", "books", "--format", "jsonl"}).out == jsonl.out);

  ProcessResult csv = cli.Stage({"dump", "books", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out ==
        "source_url,fetch_time,title,price,isbn\r\n"
        "https://books.example/a,2023-11-14T22:13:20.000000Z,Alpha,12,\r\n"
        "https://books.example/b,2023-11-14T22:13:21.000000Z,\"Beta, the sequel\",7.5,\r\n"
        "https://books.example/a,2023-11-14T22:13:20.000000Z,Gamma,,978-0\r\n");
}

TEST_CASE("every per-job verb refuses an unknown job with exit 2") {
  StageCli cli;
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"count", "nope"},
                                             {"scan", "nope"},
                                             {"get", "nope", kPageA},
                                             {"errors", "nope"},
                                             {"dump", "nope"},
                                             {"count", "nope", "--json"}}) {
    INFO(args[0]);
    CheckBadInput(cli.Stage(args), "no job 'nope' in the store");
  }
}

TEST_CASE("a missing store directory is reported and not created") {
  TempDir tmp;
  std::string missing = tmp / "no-such-store";
  for (const char* verb : {"jobs", "stats"}) {
    CheckBadInput(RunProcess({GLEANER_BINARY, "stage", verb, "--data", missing}),
                  "no Gleaner store at " + missing + " (directory does not exist)");
  }
  CheckBadInput(RunProcess({GLEANER_BINARY, "stage", "count", "books", "--data", missing}),
                "no Gleaner store at " + missing + " (directory does not exist)");
  CHECK(ListTree(tmp.path()).empty());
}

TEST_CASE("without --data or $GLEANER_DATA the store is ./gleaner-data, and is not created") {
  TempDir cwd;
  ProcessResult r = RunProcess({GLEANER_BINARY, "stage", "jobs"}, kNoDataEnv, cwd.path());
  CheckBadInput(r, "no Gleaner store at ./gleaner-data (directory does not exist)");
  CHECK(ListTree(cwd.path()).empty());
}

TEST_CASE("$GLEANER_DATA names the store, and --data overrides it") {
  StageCli cli;
  ProcessResult r =
      RunProcess({GLEANER_BINARY, "stage", "count", "books"}, {{"GLEANER_DATA", cli.store_dir()}});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "3\n");

  r = RunProcess({GLEANER_BINARY, "stage", "count", "books", "--data", cli.store_dir()},
                 {{"GLEANER_DATA", cli.tmp() / "elsewhere"}});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "3\n");
  CHECK_FALSE(std::filesystem::exists(cli.tmp() / "elsewhere"));
}

TEST_CASE("a directory that is not a Gleaner store is refused and left untouched") {
  TempDir tmp;
  std::string dir = tmp / "empty";
  std::filesystem::create_directory(dir);
  CheckBadInput(RunProcess({GLEANER_BINARY, "stage", "jobs", "--data", dir}),
                dir + " is not a Gleaner store (no RocksDB database in it)");
  CHECK(ListTree(tmp.path()) == std::set<std::string>{"empty"});
}

TEST_CASE("a store written by a newer gleaner is refused and left untouched") {
  TempDir tmp;
  std::string dir = tmp / "store";
  REQUIRE(
      storage::testing::WriteFormatVersion(dir, std::to_string(storage::kFormatVersion + 1)).ok());
  std::set<std::string> before = ListTree(dir);
  std::string newer = std::to_string(storage::kFormatVersion + 1);
  CheckBadInput(RunProcess({GLEANER_BINARY, "stage", "jobs", "--data", dir}),
                dir + " has store format version " + newer +
                    ", newer than this gleaner supports (" +
                    std::to_string(storage::kFormatVersion) + "); upgrade gleaner");
  CHECK(ListTree(dir) == before);
}

TEST_CASE("bad flags are bad usage") {
  StageCli cli;
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"scan", "books", "--limit", "-1"},
                                             {"scan", "books", "--limit", "many"},
                                             {"dump", "books", "--format", "xml"},
                                             {"count"},
                                             {"jobs", "--bogus"},
                                             {"frobnicate"}}) {
    INFO(args[0] << " " << (args.size() > 1 ? args.back() : ""));
    ProcessResult r = cli.Stage(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
  CHECK(cli.Run({}).exit_code == 2);  // `gleaner stage` without a verb
}

TEST_CASE("stage delete without --yes says what would go and deletes nothing") {
  StageCli cli;
  CheckBadInput(cli.Stage({"delete", "books"}),
                "stage delete removes job books (3 records, 1 page and 1 error) from " +
                    cli.store_dir() + " for good; add --yes to do it");
  CHECK(cli.Stage({"count", "books"}).out == "3\n");
}

TEST_CASE("stage delete --yes removes that job's rows and no other job's") {
  StageCli cli;
  ProcessResult r = cli.Stage({"delete", "books", "--yes"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "deleted job books: 3 records, 1 page and 1 error\n");
  CheckBadInput(cli.Stage({"count", "books"}), "no job 'books' in the store");
  json jobs = cli.StageJson({"jobs"});
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0]["job"] == "books.old");  // its name extends "books": untouched
  CHECK(cli.Stage({"count", "books.old"}).out == "1\n");
  // What FillStore wrote for books.old is all that is left: one record and its URL entry.
  json stats = cli.StageJson({"stats"});
  CHECK(stats["records"]["keys"] == 1);
  CHECK(stats["urls"]["keys"] == 1);
  CHECK(stats["pages"]["keys"] == 0);
  CHECK(stats["errors"]["keys"] == 0);

  CHECK(cli.StageJson({"delete", "books.old", "--yes"}) ==
        json{{"job", "books.old"}, {"deleted", true}, {"records", 1}, {"pages", 0}, {"errors", 0}});
  CHECK(cli.StageJson({"jobs"}) == json::array());
}

TEST_CASE("stage delete of an unknown job is bad input and changes nothing") {
  StageCli cli;
  CheckBadInput(cli.Stage({"delete", "nope", "--yes"}), "no job 'nope' in the store");
  CHECK(cli.StageJson({"jobs"}).size() == 2);
}

TEST_CASE("stage delete refuses while another process writes the store, and names it") {
  StageCli cli;
  {
    std::unique_ptr<storage::StagingStore> writer;  // as a running crawl holds it
    REQUIRE(storage::StagingStore::OpenPrimary(cli.store_dir(), {}, &writer).ok());
    ProcessResult r = cli.Stage({"delete", "books", "--yes"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("job books cannot be deleted while another process writes " +
                                      cli.store_dir()));
    CHECK_THAT(r.err, Catch::Contains("pid " + std::to_string(getpid())));
  }
  CHECK(cli.Stage({"count", "books"}).out == "3\n");
}

}  // namespace
}  // namespace gleaner::testing
