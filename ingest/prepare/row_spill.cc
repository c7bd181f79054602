#include "ingest/prepare/row_spill.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/coding.h"

namespace gleaner::prepare {
namespace {

// Row encoding: varint payload length, then the payload: a quarantined flag
// byte, source_url, fetch
// time, index in page, value count, and per value a kind tag and its bytes.
enum Tag : uint8_t { kNull, kString, kInt, kDouble, kBool, kTimestamp, kBytes, kJson };

void PutString(const std::string& s, std::string* out) {
  PutVarint64(out, s.size());
  out->append(s);
}

class Decoder {
 public:
  explicit Decoder(std::string_view input) : rest_(input) {}
  bool Varint(uint64_t* v) { return GetVarint64(&rest_, v); }
  bool String(std::string* s) {
    uint64_t n = 0;
    if (!Varint(&n) || n > rest_.size()) return false;
    s->assign(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return true;
  }
  bool Byte(uint8_t* b) {
    if (rest_.empty()) return false;
    *b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return true;
  }
  bool Double(double* d) {
    if (rest_.size() < 8) return false;
    *d = std::bit_cast<double>(DecodeFixed64(rest_.data()));
    rest_.remove_prefix(8);
    return true;
  }
  bool AtEnd() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

void EncodeValue(const v1::Value& v, std::string* out) {
  switch (v.kind_case()) {
    case v1::Value::kStringValue:
      out->push_back(kString);
      PutString(v.string_value(), out);
      break;
    case v1::Value::kIntValue:
      out->push_back(kInt);
      PutVarint64(out, ZigZagEncode64(v.int_value()));
      break;
    case v1::Value::kDoubleValue: {
      out->push_back(kDouble);
      PutFixed64(out, std::bit_cast<uint64_t>(v.double_value()));
      break;
    }
    case v1::Value::kBoolValue:
      out->push_back(kBool);
      out->push_back(v.bool_value() ? 1 : 0);
      break;
    case v1::Value::kTimestampMicros:
      out->push_back(kTimestamp);
      PutVarint64(out, ZigZagEncode64(v.timestamp_micros()));
      break;
    case v1::Value::kBytesValue:
      out->push_back(kBytes);
      PutString(v.bytes_value(), out);
      break;
    case v1::Value::kJsonValue:
      out->push_back(kJson);
      PutString(v.json_value(), out);
      break;
    case v1::Value::KIND_NOT_SET:
      out->push_back(kNull);
      break;
  }
}

bool DecodeValue(Decoder* d, v1::Value* v) {
  uint8_t tag = 0;
  if (!d->Byte(&tag)) return false;
  uint64_t u = 0;
  switch (tag) {
    case kNull:
      v->Clear();
      return true;
    case kString:
      return d->String(v->mutable_string_value());
    case kInt:
      if (!d->Varint(&u)) return false;
      v->set_int_value(ZigZagDecode64(u));
      return true;
    case kDouble: {
      double x = 0;
      if (!d->Double(&x)) return false;
      v->set_double_value(x);
      return true;
    }
    case kBool: {
      uint8_t b = 0;
      if (!d->Byte(&b)) return false;
      v->set_bool_value(b != 0);
      return true;
    }
    case kTimestamp:
      if (!d->Varint(&u)) return false;
      v->set_timestamp_micros(ZigZagDecode64(u));
      return true;
    case kBytes:
      return d->String(v->mutable_bytes_value());
    case kJson:
      return d->String(v->mutable_json_value());
    default:
      return false;
  }
}

}  // namespace

RowSpill::~RowSpill() {
  if (file_ != nullptr) std::fclose(file_);
  if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
}

Status RowSpill::Create(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w+b");
  if (file_ == nullptr) {
    return Status::IOError("creating spill file " + path + ": " + std::strerror(errno));
  }
  path_ = path;
  // Large buffer: the spill is written and read strictly sequentially.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  return Status::OK();
}

Status RowSpill::Append(const SpilledRow& row) {
  buffer_.clear();
  buffer_.push_back(row.quarantined ? 1 : 0);
  PutString(row.source_url, &buffer_);
  PutVarint64(&buffer_, ZigZagEncode64(row.fetch_time_micros));
  PutVarint64(&buffer_, row.index_in_page);
  PutVarint64(&buffer_, row.values.size());
  for (const v1::Value& v : row.values) EncodeValue(v, &buffer_);
  std::string header;
  PutVarint64(&header, buffer_.size());
  if (std::fwrite(header.data(), 1, header.size(), file_) != header.size() ||
      std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return Status::IOError("writing spill file " + path_ + ": " + std::strerror(errno));
  }
  ++rows_;
  bytes_ += static_cast<int64_t>(header.size() + buffer_.size());
  return Status::OK();
}

Status RowSpill::FinishWriting() {
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) {
    return Status::IOError("flushing spill file " + path_ + ": " + std::strerror(errno));
  }
  return Status::OK();
}

bool RowSpill::Next(SpilledRow* row, Status* status) {
  // The row length is a varint read a byte at a time: the file is a stream.
  std::string length_bytes;
  for (;;) {
    int c = std::fgetc(file_);
    if (c == EOF) {
      if (!length_bytes.empty()) {
        *status = Status::Corruption("spill file " + path_ + " ends inside a row");
      }
      return false;
    }
    length_bytes.push_back(static_cast<char>(c));
    if ((c & 0x80) == 0 || length_bytes.size() == kMaxVarint64Bytes) break;
  }
  std::string_view length_view = length_bytes;
  uint64_t size = 0;
  if (!GetVarint64(&length_view, &size)) {
    *status = Status::Corruption("spill file " + path_ + ": bad row length");
    return false;
  }
  buffer_.resize(size);
  if (std::fread(buffer_.data(), 1, size, file_) != size) {
    *status = Status::Corruption("spill file " + path_ + " ends inside a row");
    return false;
  }
  Decoder d(buffer_);
  uint64_t time = 0, index = 0, count = 0;
  uint8_t quarantined = 0;
  bool ok = d.Byte(&quarantined) && d.String(&row->source_url) && d.Varint(&time) &&
            d.Varint(&index) && d.Varint(&count) && count <= size;
  if (ok) {
    row->quarantined = quarantined != 0;
    row->fetch_time_micros = ZigZagDecode64(time);
    row->index_in_page = static_cast<uint32_t>(index);
    row->values.resize(count);
    for (v1::Value& v : row->values) ok = ok && DecodeValue(&d, &v);
  }
  if (!ok || !d.AtEnd()) {
    *status = Status::Corruption("spill file " + path_ + ": malformed row");
    return false;
  }
  return true;
}

}  // namespace gleaner::prepare
