#include "service/ingest/ingest_batch.h"

#include <catch2/catch.hpp>

using namespace gleaner;
using namespace gleaner::service;

namespace {

v1::Record* AddRecord(v1::IngestBatch* batch, const std::string& url, uint32_t index) {
  v1::Record* r = batch->add_records();
  r->set_source_url(url);
  r->set_index_in_page(index);
  return r;
}

v1::PageDone* AddPage(v1::IngestBatch* batch, const std::string& url, uint32_t record_count) {
  v1::PageDone* page = batch->add_pages();
  page->set_url(url);
  page->set_record_count(record_count);
  return page;
}

v1::IngestBatch Batch() {
  v1::IngestBatch batch;
  batch.set_job("shop");
  batch.set_batch_id(7);
  return batch;
}

}  // namespace

TEST_CASE("a page's records are the next ones of the batch from its URL, the rest loose") {
  v1::IngestBatch batch = Batch();
  AddRecord(&batch, "https://s.example/a", 0);
  AddRecord(&batch, "https://s.example/feed", 0);
  AddRecord(&batch, "https://s.example/a", 1);
  AddRecord(&batch, "https://s.example/a", 0);  // the same page, finished twice
  AddPage(&batch, "https://s.example/a", 2);
  AddPage(&batch, "https://s.example/a", 1);
  AddPage(&batch, "https://s.example/gone", 0)->mutable_error()->set_http_status(404);
  IngestPages pages;
  REQUIRE(CompleteIngestBatch(&batch, 1, &pages).ok());
  REQUIRE(pages.page_records.size() == 3);
  CHECK(pages.page_records[0] ==
        std::vector<const v1::Record*>{&batch.records(0), &batch.records(2)});
  CHECK(pages.page_records[1] == std::vector<const v1::Record*>{&batch.records(3)});
  CHECK(pages.page_records[2].empty());
  CHECK(pages.loose == std::vector<const v1::Record*>{&batch.records(1)});
  CHECK(batch.pages(2).error().job() == "shop");
}

TEST_CASE("a page whose records the batch does not hold, or that holds too many, is refused") {
  v1::IngestBatch batch = Batch();
  AddRecord(&batch, "https://s.example/a", 0);
  AddPage(&batch, "https://s.example/a", 2);
  Status s = CompleteIngestBatch(&batch, 1);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() ==
        "batch 7, page 0: 2 records counted, 1 in the batch from https://s.example/a");

  v1::IngestBatch extra = Batch();
  AddRecord(&extra, "https://s.example/a", 0);
  AddRecord(&extra, "https://s.example/a", 1);
  AddPage(&extra, "https://s.example/a", 1);
  s = CompleteIngestBatch(&extra, 1);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "batch 7: 1 records from https://s.example/a beyond those its pages count");
}

TEST_CASE("a page not modified or failed with records, or without a URL, is refused") {
  v1::IngestBatch not_modified = Batch();
  AddRecord(&not_modified, "https://s.example/a", 0);
  AddPage(&not_modified, "https://s.example/a", 1)->set_not_modified(true);
  Status s = CompleteIngestBatch(&not_modified, 1);
  CHECK(s.message() == "batch 7, page 0: a page not modified has no records, not 1");

  v1::IngestBatch no_url = Batch();
  AddPage(&no_url, "", 0);
  CHECK(CompleteIngestBatch(&no_url, 1).message() == "batch 7, page 0: no url");

  v1::IngestBatch other_job = Batch();
  AddPage(&other_job, "https://s.example/a", 0)->mutable_error()->set_job("other");
  CHECK(CompleteIngestBatch(&other_job, 1).message() ==
        "batch 7, page 0: error of job 'other', not the batch's");
}
