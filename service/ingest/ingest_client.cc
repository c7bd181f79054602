#include "service/ingest/ingest_client.h"

#include <algorithm>
#include <chrono>

#include "service/client/grpc_status.h"

namespace gleaner::service {

namespace {

// Codes no resend can change: the client gives up on them at once.
bool Permanent(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNIMPLEMENTED:
      return true;
    default:
      return false;
  }
}

// The channel's own reconnection follows the client's backoff: by default
// gRPC waits up to two minutes between attempts, far longer than a restart.
grpc::ChannelArguments StreamChannelArgs(const IngestClient::Options& options) {
  grpc::ChannelArguments args;
  int initial_ms = static_cast<int>(options.initial_backoff_micros / 1000);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, initial_ms);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, initial_ms);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              static_cast<int>(options.max_backoff_micros / 1000));
  // A peer gone without a reset (a cut network) must not leave the stream
  // waiting for acks forever. Five minutes is as often as a gRPC server
  // accepts pings by default.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 300000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  return args;
}

}  // namespace

IngestClient::IngestClient(Options options)
    : options_(std::move(options)),
      stub_(v1::IngestService::NewStub(OpenChannel(options_.config, StreamChannelArgs(options_)))) {
  thread_ = std::thread([this] { Run(); });
}

IngestClient::~IngestClient() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t IngestClient::Add(v1::Record record) {
  uint64_t number;
  {
    std::lock_guard<std::mutex> lock(mu_);
    number = AppendLocked(std::move(record));
    SealIfFullLocked();
  }
  cv_.notify_all();
  return number;
}

uint64_t IngestClient::AddPage(std::vector<v1::Record> records, v1::PageDone done) {
  uint64_t number;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A page's records never straddle two batches: the server stores a page
    // with all its records or not at all.
    size_t bytes = done.ByteSizeLong();
    for (const auto& r : records) bytes += r.ByteSizeLong();
    if (static_cast<size_t>(open_.records_size()) + records.size() > options_.batch_records ||
        open_bytes_ + bytes > options_.batch_bytes) {
      SealLocked();
    }
    for (auto& r : records) AppendLocked(std::move(r));
    open_bytes_ += done.ByteSizeLong();
    *open_.add_pages() = std::move(done);
    number = ++added_;
    SealIfFullLocked();
  }
  cv_.notify_all();
  return number;
}

uint64_t IngestClient::AppendLocked(v1::Record record) {
  record.set_job(options_.job);
  open_bytes_ += record.ByteSizeLong();
  *open_.add_records() = std::move(record);
  return ++added_;
}

void IngestClient::SealIfFullLocked() {
  if (static_cast<size_t>(open_.records_size()) >= options_.batch_records ||
      open_bytes_ >= options_.batch_bytes) {
    SealLocked();
  }
}

uint64_t IngestClient::acked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acked_;
}

bool IngestClient::Full() const {
  std::lock_guard<std::mutex> lock(mu_);
  return added_ - acked_ >= options_.buffer_records;
}

Status IngestClient::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

IngestClient::Counters IngestClient::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void IngestClient::SetListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(listener_mu_);
  listener_ = std::move(listener);
}

Status IngestClient::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return acked_ == added_ || !status_.ok(); });
  return status_;
}

void IngestClient::SealLocked() {
  if (open_.records_size() == 0 && open_.pages_size() == 0) return;
  open_.set_job(options_.job);
  open_.set_batch_id(next_batch_id_++);
  unacked_.push_back(Batch{added_, std::move(open_)});
  open_ = v1::IngestBatch();
  open_bytes_ = 0;
}

void IngestClient::Notify() {
  std::lock_guard<std::mutex> lock(listener_mu_);
  if (listener_) listener_();
}

void IngestClient::Run() {
  int failures = 0;  // connections in a row that ended without an ack
  while (true) {
    uint64_t acked_before = counters().batches_acked;
    grpc::Status ended = Stream();
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return;
    failures = counters_.batches_acked > acked_before ? 1 : failures + 1;
    std::string why = "ingest service at " + options_.config.server + ": ";
    if (Permanent(ended.error_code())) {
      status_ = FromGrpc(ended).Annotate(why + "gave up");
    } else if (options_.max_attempts > 0 && failures >= options_.max_attempts) {
      status_ = FromGrpc(ended).Annotate(why + "gave up after " + std::to_string(failures) +
                                         " failed attempts");
    }
    if (!status_.ok()) {
      lock.unlock();
      cv_.notify_all();
      Notify();
      return;
    }
    int64_t backoff = options_.initial_backoff_micros;
    for (int i = 1; i < failures && backoff < options_.max_backoff_micros; ++i) backoff *= 2;
    backoff = std::min(backoff, options_.max_backoff_micros);
    cv_.wait_for(lock, std::chrono::microseconds(backoff), [this] { return stopping_; });
    if (stopping_) return;
    ++counters_.reconnects;
  }
}

grpc::Status IngestClient::Stream() {
  grpc::ClientContext context;
  PrepareCall(options_.config, &context);
  // The stream lasts as long as the crawl: no deadline.
  context.set_deadline(std::chrono::system_clock::time_point::max());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return grpc::Status::CANCELLED;
    context_ = &context;
    sent_ = 0;  // a new stream resends every unacked batch
    stream_broken_ = false;
  }
  auto stream = stub_->Ingest(&context);
  std::thread reader([this, &stream] { ReadAcks(stream.get()); });
  while (true) {
    const v1::IngestBatch* batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] {
        return stopping_ || stream_broken_ || sent_ < unacked_.size() ||
               open_.records_size() > 0 || open_.pages_size() > 0;
      });
      if (stopping_ || stream_broken_) break;
      // Whatever was added while the stream was busy goes as one batch.
      if (sent_ == unacked_.size()) SealLocked();
      // Stays in the deque (whose elements do not move) until acked, which
      // cannot happen before it is written.
      batch = &unacked_[sent_].message;
      ++sent_;
    }
    if (!stream->Write(*batch)) break;
  }
  {
    // Only a stop cancels: a stream that broke ended on its own, and
    // cancelling it would hide the server's status behind CANCELLED.
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) context.TryCancel();
  }
  reader.join();
  grpc::Status ended = stream->Finish();
  std::lock_guard<std::mutex> lock(mu_);
  context_ = nullptr;
  return ended;
}

void IngestClient::ReadAcks(grpc::ClientReaderWriter<v1::IngestBatch, v1::IngestAck>* stream) {
  v1::IngestAck ack;
  while (stream->Read(&ack)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      // The server acks the batches in the order they were sent.
      while (!unacked_.empty() && unacked_.front().message.batch_id() <= ack.batch_id()) {
        acked_ = unacked_.front().last;
        unacked_.pop_front();
        if (sent_ > 0) --sent_;
      }
      ++counters_.batches_acked;
      counters_.records_stored += ack.stored();
      counters_.duplicates += ack.duplicates();
    }
    cv_.notify_all();
    Notify();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    stream_broken_ = true;
  }
  cv_.notify_all();
}

}  // namespace gleaner::service
