// IngestClient: a producer's end of IngestService.Ingest. Records are numbered
// as they are added and sent in batches on one stream by a background thread;
// each ack makes its batch's records durable (acked() moves past them). While
// the server is away the client reconnects with exponential backoff and
// resends every unacked batch; the server skips records it stored already,
// so a resend never duplicates. Nothing is ever dropped: a producer checks
// Full() and stops producing until acks free room. It gives up only on an
// error no retry can fix (bad token, invalid record) or after max_attempts
// failed connections when that is set; status() then says why. Thread-safe.
#pragma once

#include <grpcpp/client_context.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "schema/gleaner_service.grpc.pb.h"
#include "service/client/service_client.h"

namespace gleaner::service {

class IngestClient {
 public:
  struct Options {
    ClientConfig config;  // its timeout_s is ignored: the stream lasts as long as the client
    std::string job;
    size_t batch_records = 1000;    // per batch, at most (the server takes up to 10000)
    size_t batch_bytes = 1 << 20;   // per batch, about (gRPC's message limit is 4 MiB)
    size_t buffer_records = 10000;  // unacked records beyond which Full() is true
    int64_t initial_backoff_micros = 100000;
    int64_t max_backoff_micros = 10000000;
    int max_attempts = 0;  // failed connections in a row before giving up; 0: never
  };

  struct Counters {
    uint64_t batches_acked = 0;
    uint64_t records_stored = 0;
    uint64_t duplicates = 0;  // resent records the server had already
    uint64_t reconnects = 0;
  };

  explicit IngestClient(Options options);
  // Stops the stream; records not acked by then are not delivered.
  ~IngestClient();
  IngestClient(const IngestClient&) = delete;
  IngestClient& operator=(const IngestClient&) = delete;

  // Queues `record` (its job is set to the client's) and returns its number:
  // 1 for the first, then consecutive.
  uint64_t Add(v1::Record record);
  // Queues a page a crawl finished, `records` (its done.record_count, from
  // done.url) and `done` itself, in one batch; numbers them as Add does (the
  // page last) and returns the number of `done`.
  uint64_t AddPage(std::vector<v1::Record> records, v1::PageDone done);
  // Every record numbered up to this is durable on the server.
  uint64_t acked() const;
  bool Full() const;
  // OK while it still delivers; the reason once it gave up.
  Status status() const;
  Counters counters() const;
  // Called, from the client's threads, when acked() advances or the client
  // gives up. Null: stop calling.
  void SetListener(std::function<void()> listener);
  // Blocks until every record added is acked, or the client gave up.
  Status Drain();

 private:
  struct Batch {
    uint64_t last = 0;  // number of its last record
    v1::IngestBatch message;
  };

  void Run();
  // One stream: resends the unacked batches, then sends new ones until the
  // stream breaks or the client stops. Returns how it ended.
  grpc::Status Stream();
  void ReadAcks(grpc::ClientReaderWriter<v1::IngestBatch, v1::IngestAck>* stream);
  // Moves the open records and pages into a batch; mu_ held.
  void SealLocked();
  // Appends `record` to the open batch and numbers it; mu_ held.
  uint64_t AppendLocked(v1::Record record);
  // Seals the open batch once it reached the options' size; mu_ held.
  void SealIfFullLocked();
  void Notify();

  const Options options_;
  std::unique_ptr<v1::IngestService::Stub> stub_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  v1::IngestBatch open_;  // records and pages not in a batch yet
  size_t open_bytes_ = 0;
  std::deque<Batch> unacked_;  // sealed, in order
  size_t sent_ = 0;            // batches of unacked_ written on the current stream
  bool stream_broken_ = false;
  uint64_t added_ = 0;
  uint64_t acked_ = 0;
  uint64_t next_batch_id_ = 1;
  bool stopping_ = false;
  Status status_;
  Counters counters_;
  grpc::ClientContext* context_ = nullptr;  // of the current stream, to cancel it

  std::mutex listener_mu_;
  std::function<void()> listener_;

  std::thread thread_;
};

}  // namespace gleaner::service
