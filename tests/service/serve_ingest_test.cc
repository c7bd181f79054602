// IngestService.Ingest against a live server: acks count stored and duplicate
// records, a resent batch stores nothing twice, ingested records prepare and
// pull exactly like the crawled records they copy, a bad record fails the
// stream without losing acked batches, a cancelled stream leaves the server
// healthy, and a job crawling in the server refuses ingest. A crawl worker's
// pages are stored in the job's open run as a crawl stores them, once.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <thread>

#include "schema/gleaner_service.grpc.pb.h"
#include "storage/job_writer.h"
#include "storage/store_reader.h"
#include "storage/store_test_util.h"
#include "tests/crawl/crawl_test_util.h"
#include "tests/service/crawled_shop.h"
#include "tests/service/serve_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/value_builders.h"

using namespace gleaner;
using namespace gleaner::testing;

namespace {

// A record of https://feed.example/<page> with one field, title.
v1::Record Rec(const std::string& page, uint32_t index, const std::string& title) {
  v1::Record r;
  r.set_source_url("https://feed.example/" + page);
  r.set_index_in_page(index);
  v1::Field* f = r.add_fields();
  f->set_name("title");
  *f->mutable_value() = Str(title);
  return r;
}

v1::IngestBatch Batch(const std::string& job, uint64_t id, const std::vector<v1::Record>& records) {
  v1::IngestBatch b;
  b.set_job(job);
  b.set_batch_id(id);
  b.mutable_records()->Add(records.begin(), records.end());
  return b;
}

// One producer's Ingest stream.
class Producer {
 public:
  explicit Producer(const ServeProcess& server, const std::string& token = "")
      : stub_(v1::IngestService::NewStub(
            grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()))) {
    if (!token.empty()) context_.AddMetadata("authorization", "Bearer " + token);
    stream_ = stub_->Ingest(&context_);
  }

  // Sends `batch` and waits for its ack: "<batch_id> <stored> <duplicates>",
  // or "no ack" when the stream ended instead.
  std::string Send(const v1::IngestBatch& batch) {
    v1::IngestAck ack;
    if (!stream_->Write(batch) || !stream_->Read(&ack)) return "no ack";
    return std::to_string(ack.batch_id()) + " " + std::to_string(ack.stored()) + " " +
           std::to_string(ack.duplicates());
  }
  // Sends without waiting for the ack.
  bool Write(const v1::IngestBatch& batch) { return stream_->Write(batch); }
  void Cancel() { context_.TryCancel(); }

  grpc::Status Finish() {
    stream_->WritesDone();
    v1::IngestAck ignored;
    while (stream_->Read(&ignored)) {
    }
    return stream_->Finish();
  }

 private:
  std::unique_ptr<v1::IngestService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::IngestBatch, v1::IngestAck>> stream_;
};

v1::StatsResponse Stats(const ServeProcess& server, const std::string& token = "") {
  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  v1::StatsResponse stats;
  grpc::Status s = stub->Stats(&context, v1::StatsRequest(), &stats);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return stats;
}

// "<page> <title>" of each stored record of `job`, in insertion order.
std::vector<std::string> Stored(const std::string& data_dir, const std::string& job) {
  std::vector<std::string> out;
  for (const auto& rec : DumpRecords(data_dir, job)) {
    std::string url = rec["source_url"];
    out.push_back(url.substr(std::string("https://feed.example/").size()) + " " +
                  rec["title"].get<std::string>());
  }
  return out;
}

std::string ExpectError(grpc::Status s, grpc::StatusCode code) {
  CHECK(s.error_code() == code);
  return s.error_message();
}

// The records of https://feed.example/<page> in job "feed": titles[i] at i.
std::vector<v1::Record> PageRecords(const std::string& page, std::vector<std::string> titles) {
  std::vector<v1::Record> out;
  for (size_t i = 0; i < titles.size(); ++i) {
    out.push_back(storage::testing::MakeHashedRecord("feed", "https://feed.example/" + page,
                                                     static_cast<uint32_t>(i), titles[i]));
  }
  return out;
}

// Job "feed" as `serve --redis` leaves one whose run 2 it published: run 1
// stored pages a (A0 A1), c (C0) and d (D0 D1); run 2 is open.
void WriteRun1OpenRun2(const std::string& data) {
  std::unique_ptr<storage::StagingStore> store;
  REQUIRE(storage::StagingStore::OpenPrimary(data, {}, &store).ok());
  std::unique_ptr<storage::JobWriter> writer;
  REQUIRE(storage::JobWriter::Open(store.get(), "feed", &writer).ok());
  v1::CrawlRun* run = writer->mutable_state()->mutable_run();
  run->set_number(1);
  storage::RecordCounts counts;
  for (const auto& [page, titles] : std::map<std::string, std::vector<std::string>>{
           {"a", {"A0", "A1"}}, {"c", {"C0"}}, {"d", {"D0", "D1"}}}) {
    REQUIRE(writer
                ->PutPageRecords("https://feed.example/" + page, PageRecords(page, titles), 1,
                                 nullptr, &counts)
                .ok());
  }
  run->set_end(v1::CrawlRun::COMPLETE);
  REQUIRE(writer->Commit().ok());
  run->Clear();
  run->set_number(2);
  writer->mutable_state()->set_phase(v1::JOB_PAUSED);
  REQUIRE(writer->Commit().ok());
}

}  // namespace

TEST_CASE("a worker's pages land in the job's open run as a crawl's do, a resent page once") {
  TempDir dir;
  const std::string data = dir / "data";
  WriteRun1OpenRun2(data);
  v1::IngestBatch batch = Batch("feed", 1, PageRecords("a", {"A0", "A1 changed"}));
  batch.mutable_records()->MergeFrom(Batch("feed", 1, PageRecords("b", {"B0"})).records());
  auto done = [&](const std::string& page, uint32_t record_count) {
    v1::PageDone* p = batch.add_pages();
    p->set_url("https://feed.example/" + page);
    p->set_record_count(record_count);
    return p;
  };
  done("a", 2);
  done("b", 1);
  v1::FetchError* gone = done("c", 0)->mutable_error();
  gone->set_url("https://feed.example/c");
  gone->set_kind(v1::ERROR_HTTP_STATUS);
  gone->set_http_status(404);
  done("d", 0)->set_not_modified(true);
  {
    ServeProcess server(dir, data, {});
    Producer producer(server);
    CHECK(producer.Send(batch) == "1 3 0");
    // A worker died before completing the leases: another sends the pages again.
    batch.set_batch_id(2);
    CHECK(producer.Send(batch) == "2 0 3");
    CHECK(producer.Finish().ok());
    CHECK(server.Terminate().exit_code == 0);
  }
  const nlohmann::json run2 = StageRuns(data, "feed").at(1);
  INFO(run2.dump());
  CHECK(run2["records_added"] == 1);      // b#0
  CHECK(run2["records_changed"] == 1);    // a#1
  CHECK(run2["records_unchanged"] == 3);  // a#0, and d's two (not modified)
  CHECK(run2["records_removed"] == 1);    // c#0, gone
  CHECK(run2["pages_not_modified"] == 1);
  CHECK(run2["pages_failed"] == 1);
  const nlohmann::json job = StageJob(data, "feed");
  CHECK(job["records"] == 5 + 2);  // run 1's rows and the two new versions
  CHECK(job["errors"] == 1);
}

TEST_CASE("acked batches are stored once, resent and overlapping records count as duplicates") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  {
    Producer p(server);
    CHECK(p.Send(Batch("feed", 1, {Rec("a", 0, "A0"), Rec("a", 1, "A1"), Rec("b", 0, "B0")})) ==
          "1 3 0");
    // The same key twice in one batch: the first is kept.
    CHECK(
        p.Send(Batch("feed", 2, {Rec("c", 0, "C0"), Rec("c", 0, "C0 again"), Rec("d", 0, "D0")})) ==
        "2 2 1");
    CHECK(p.Send(Batch("feed", 3, {Rec("e", 0, "E0")})) == "3 1 0");
    CHECK(p.Finish().ok());
  }
  {
    // A producer that restarts resends batch 1, then one overlapping 1-3.
    Producer p(server);
    CHECK(p.Send(Batch("feed", 4, {Rec("a", 0, "A0"), Rec("a", 1, "A1"), Rec("b", 0, "B0")})) ==
          "4 0 3");
    CHECK(p.Send(Batch("feed", 5,
                       {Rec("b", 0, "B0"), Rec("c", 1, "C1"), Rec("e", 0, "E0 new"),
                        Rec("f", 0, "F0")})) == "5 2 2");
    CHECK(p.Finish().ok());
  }
  v1::StatsResponse stats = Stats(server);
  CHECK(stats.records() == 8);
  CHECK(stats.jobs_by_phase().size() == 1);
  CHECK(stats.jobs_by_phase().at("succeeded") == 1);
  REQUIRE(server.Terminate().exit_code == 0);

  nlohmann::json job = StageJob(dir / "served", "feed");
  CHECK(job["phase"] == "succeeded");
  CHECK(job["records"] == 8);
  CHECK(Stored(dir / "served", "feed") ==
        std::vector<std::string>{"a A0", "a A1", "b B0", "c C0", "d D0", "e E0", "c C1", "f F0"});
}

TEST_CASE("ingested records prepare and pull exactly like the crawled records they copy") {
  CrawledShop shop;
  std::vector<v1::Record> crawled;
  {
    std::unique_ptr<storage::StagingStore> store;
    REQUIRE(storage::StagingStore::OpenFollower(shop.dir / "data", &store).ok());
    storage::StoreReader reader(store.get());
    REQUIRE(reader
                .ScanRecords("demo",
                             [&](const v1::Record& r) {
                               crawled.push_back(r);
                               return true;
                             })
                .ok());
  }
  REQUIRE(crawled.size() > 80);

  ServeProcess server(shop.dir, shop.dir / "fed", {});
  {
    Producer p(server);
    uint64_t id = 0;
    for (size_t i = 0; i < crawled.size(); i += 25) {
      std::vector<v1::Record> part(crawled.begin() + i,
                                   crawled.begin() + std::min(i + 25, crawled.size()));
      ++id;
      CHECK(p.Send(Batch("demo", id, part)) ==
            std::to_string(id) + " " + std::to_string(part.size()) + " 0");
    }
    CHECK(p.Finish().ok());
  }
  std::string pulled = shop.dir / "pulled-train.jsonl";
  ProcessResult pull = Client(server, {"pull", "--job", "demo", "--rules", kDemoRules, "--split",
                                       "train", "--out", pulled});
  INFO(pull.err);
  REQUIRE(pull.exit_code == 0);
  REQUIRE(server.Terminate().exit_code == 0);

  for (const char* store : {"data", "fed"}) {
    PrepareDemoJsonl(shop.dir / store, shop.dir / (std::string("out-") + store));
  }
  for (const char* split : {"train", "validation", "test"}) {
    INFO(split);
    std::string part = std::string("/") + split + "/part-00000.jsonl";
    CHECK(ReadFile(shop.dir / ("out-fed" + part)) == ReadFile(shop.dir / ("out-data" + part)));
  }
  CHECK(ReadFile(pulled) == ReadFile(shop.dir / "out-data/train/part-00000.jsonl"));
}

TEST_CASE("a bad batch fails the stream naming it, acked batches stay and it writes nothing") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  {
    Producer p(server);
    CHECK(p.Send(Batch("feed", 10, {Rec("g", 0, "G0"), Rec("g", 1, "G1")})) == "10 2 0");
    v1::Record no_url = Rec("x", 0, "X");
    no_url.clear_source_url();
    CHECK(p.Send(Batch("feed", 11, {Rec("h", 0, "H0"), no_url})) == "no ack");
    CHECK(ExpectError(p.Finish(), grpc::StatusCode::INVALID_ARGUMENT) ==
          "batch 11, record 1: no source_url");
  }
  {
    Producer p(server);
    CHECK(p.Send(Batch("feed", 12, {Rec("h", 0, "H0")})) == "12 1 0");
    CHECK(p.Finish().ok());
  }
  {
    Producer p(server);
    CHECK(p.Send(Batch("bad name", 13, {Rec("i", 0, "I0")})) == "no ack");
    CHECK(ExpectError(p.Finish(), grpc::StatusCode::INVALID_ARGUMENT) ==
          "batch 13: job name 'bad name' may only contain letters, digits, '_', '.' and '-'");
  }
  {
    Producer p(server);
    v1::Record other = Rec("i", 0, "I0");
    other.set_job("other");
    CHECK(p.Send(Batch("feed", 14, {Rec("i", 1, "I1"), other})) == "no ack");
    CHECK(ExpectError(p.Finish(), grpc::StatusCode::INVALID_ARGUMENT) ==
          "batch 14, record 1: job 'other' is not the batch's job 'feed'");
  }
  {
    Producer p(server);
    std::vector<v1::Record> many;
    for (uint32_t i = 0; i < 10001; ++i) many.push_back(Rec("j", i, "J"));
    CHECK(p.Send(Batch("feed", 15, many)) == "no ack");
    CHECK(ExpectError(p.Finish(), grpc::StatusCode::RESOURCE_EXHAUSTED) ==
          "batch 15: 10001 records; at most 10000 per batch");
  }
  CHECK(Stats(server).records() == 3);
  REQUIRE(server.Terminate().exit_code == 0);
  CHECK(Stored(dir / "served", "feed") == std::vector<std::string>{"g G0", "g G1", "h H0"});
}

TEST_CASE("a producer that cancels mid-stream keeps its acked batches, the server goes on") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  v1::IngestBatch unacked = Batch("feed", 2, {Rec("d", 0, "D0"), Rec("e", 0, "E0")});
  {
    Producer p(server);
    CHECK(p.Send(Batch("feed", 1, {Rec("a", 0, "A0"), Rec("b", 0, "B0"), Rec("c", 0, "C0")})) ==
          "1 3 0");
    CHECK(p.Write(unacked));
    p.Cancel();
    CHECK(p.Finish().error_code() == grpc::StatusCode::CANCELLED);
  }
  {
    // The unacked batch may or may not have been stored; resending it is safe.
    Producer p(server);
    std::string resent = p.Send(unacked);
    CHECK((resent == "2 2 0" || resent == "2 0 2"));
    CHECK(p.Send(Batch("feed", 3, {Rec("f", 0, "F0")})) == "3 1 0");
    CHECK(p.Finish().ok());
  }
  CHECK(Stats(server).records() == 6);
  REQUIRE(server.Terminate().exit_code == 0);
  CHECK(Stored(dir / "served", "feed") ==
        std::vector<std::string>{"a A0", "b B0", "c C0", "d D0", "e E0", "f F0"});
}

TEST_CASE("with --token-file Ingest needs the token") {
  TempDir dir;
  WriteFile(dir / "token", "s3cret\n");
  ServeProcess server(dir, dir / "served", {"--token-file", dir / "token"});
  {
    Producer p(server);
    CHECK(p.Send(Batch("feed", 1, {Rec("a", 0, "A0")})) == "no ack");
    CHECK(p.Finish().error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    Producer p(server, "guess");
    CHECK(p.Send(Batch("feed", 2, {Rec("b", 0, "B0")})) == "no ack");
    CHECK(p.Finish().error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    Producer p(server, "s3cret");
    CHECK(p.Send(Batch("feed", 3, {Rec("c", 0, "C0")})) == "3 1 0");
    CHECK(p.Finish().ok());
  }
  CHECK(Stats(server, "s3cret").records() == 1);
  REQUIRE(server.Terminate().exit_code == 0);
}

TEST_CASE("a job crawling in the server refuses ingest until the crawl stops") {
  demo::FixtureOptions options;
  options.pages = 100;
  std::unique_ptr<demo::FixtureSite> site;
  REQUIRE(demo::FixtureSite::Start(options, &site).ok());
  TempDir dir;
  // One request at a time, 100 ms apart: the crawl lasts over 10 s.
  std::string job =
      WriteJob(dir, "slow.yaml",
               "name: slow\nsources:\n  - kind: html\n    seeds: [\"" + site->BaseUrl() +
                   "/\"]\n    scope: {max_depth: 50}\n" + kProductRecordsYaml +
                   "politeness: {concurrency: 1, per_host: 1, delay_ms: 100}\n");
  ServeProcess server(dir, dir / "served", {"--allow-private-networks"});
  ProcessResult submit = Client(server, {"jobs", "submit", job});
  INFO(submit.err);
  REQUIRE(submit.exit_code == 0);
  // Polls until the crawl runs; the bound only stops a hung server.
  for (int i = 0; i < 600 && Stats(server).running() != "slow"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(Stats(server).running() == "slow");
  {
    Producer p(server);
    CHECK(p.Send(Batch("slow", 1, {Rec("a", 0, "A0")})) == "no ack");
    CHECK(ExpectError(p.Finish(), grpc::StatusCode::FAILED_PRECONDITION) ==
          "batch 1: job 'slow' is crawling in this server");
  }
  {
    // Other jobs are open meanwhile.
    Producer p(server);
    CHECK(p.Send(Batch("feed", 2, {Rec("a", 0, "A0")})) == "2 1 0");
    CHECK(p.Finish().ok());
  }
  ProcessResult cancel = Client(server, {"jobs", "cancel", "slow", "--json"});
  INFO(cancel.err);
  REQUIRE(cancel.exit_code == 0);
  uint64_t crawled = nlohmann::json::parse(cancel.out)["records"];
  {
    Producer p(server);
    CHECK(p.Send(Batch("slow", 3, {Rec("a", 0, "A0")})) == "3 1 0");
    CHECK(p.Finish().ok());
  }
  REQUIRE(server.Terminate().exit_code == 0);
  nlohmann::json slow = StageJob(dir / "served", "slow");
  CHECK(slow["phase"] == "cancelled");
  CHECK(slow["records"] == crawled + 1);
  CHECK(DumpRecords(dir / "served", "slow").size() == crawled + 1);
}

TEST_CASE("rows too wide for a default client's 4 MiB in one batch are pulled in smaller batches") {
  TempDir dir;
  ServeProcess server(dir, dir / "served", {});
  // 1,000 rows of 10 KB: the default 1,024 rows a batch would be a 10 MB message.
  constexpr int kRows = 1000;
  {
    Producer p(server);
    for (int b = 0; b < kRows / 100; ++b) {
      std::vector<v1::Record> records;
      for (int i = 0; i < 100; ++i) {
        records.push_back(Rec("p" + std::to_string(b), i, std::string(10000, 'a' + i % 26)));
      }
      REQUIRE(p.Send(Batch("wide", b + 1, records)) == std::to_string(b + 1) + " 100 0");
    }
    CHECK(p.Finish().ok());
  }
  auto stub = v1::DatasetService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  v1::PullDatasetRequest request;
  request.set_job("wide");
  request.set_rules_yaml(
      "fields:\n  title: {type: string}\nsplit: {train: 1.0, validation: 0, test: 0}\n");
  request.set_split("train");

  SECTION("with the default batch_rows and the largest allowed, every row arrives") {
    for (uint32_t batch_rows : {0u, 65536u}) {
      INFO(batch_rows);
      request.set_batch_rows(batch_rows);
      grpc::ClientContext context;  // default limits: 4 MiB a message received
      auto stream = stub->PullDataset(&context, request);
      v1::PullDatasetResponse batch;
      size_t rows = 0, batches = 0;
      while (stream->Read(&batch)) {
        rows += batch.rows_size();
        ++batches;
        CHECK(batch.ByteSizeLong() < (2u << 20));
      }
      grpc::Status finished = stream->Finish();
      INFO(finished.error_message());
      REQUIRE(finished.ok());
      CHECK(rows == kRows);
      CHECK(batches >= 10);
    }
  }
  SECTION("batch_rows past 65536 is INVALID_ARGUMENT naming it and its range") {
    request.set_batch_rows(4000000000u);
    grpc::ClientContext context;
    auto stream = stub->PullDataset(&context, request);
    v1::PullDatasetResponse batch;
    CHECK_FALSE(stream->Read(&batch));
    CHECK(ExpectError(stream->Finish(), grpc::StatusCode::INVALID_ARGUMENT) ==
          "batch_rows: 4000000000 is out of range: 1..65536, or 0 for the server's default (1024)");
  }
  REQUIRE(server.Terminate().exit_code == 0);
}
