#include "ingest/prepare/row_spill.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gleaner::prepare {
namespace {

// Row encoding: varint payload length, then the payload: a quarantined flag
// byte, source_url, fetch
// time, index in page, value count, and per value a kind tag and its bytes.
enum Tag : uint8_t { kNull, kString, kInt, kDouble, kBool, kTimestamp, kBytes, kJson };

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(const std::string& s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

class Decoder {
 public:
  Decoder(const char* p, const char* end) : p_(p), end_(end) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      uint8_t b = static_cast<uint8_t>(*p_++);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool String(std::string* s) {
    uint64_t n = 0;
    if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    s->assign(p_, n);
    p_ += n;
    return true;
  }
  bool Byte(uint8_t* b) {
    if (p_ == end_) return false;
    *b = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool Double(double* d) {
    if (end_ - p_ < 8) return false;
    std::memcpy(d, p_, 8);
    p_ += 8;
    return true;
  }
  bool AtEnd() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
};

void EncodeValue(const v1::Value& v, std::string* out) {
  switch (v.kind_case()) {
    case v1::Value::kStringValue:
      out->push_back(kString);
      PutString(v.string_value(), out);
      break;
    case v1::Value::kIntValue:
      out->push_back(kInt);
      PutVarint(ZigZag(v.int_value()), out);
      break;
    case v1::Value::kDoubleValue: {
      out->push_back(kDouble);
      double d = v.double_value();
      out->append(reinterpret_cast<const char*>(&d), 8);
      break;
    }
    case v1::Value::kBoolValue:
      out->push_back(kBool);
      out->push_back(v.bool_value() ? 1 : 0);
      break;
    case v1::Value::kTimestampMicros:
      out->push_back(kTimestamp);
      PutVarint(ZigZag(v.timestamp_micros()), out);
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
      v->set_int_value(UnZigZag(u));
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
      v->set_timestamp_micros(UnZigZag(u));
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
  PutVarint(ZigZag(row.fetch_time_micros), &buffer_);
  PutVarint(row.index_in_page, &buffer_);
  PutVarint(row.values.size(), &buffer_);
  for (const v1::Value& v : row.values) EncodeValue(v, &buffer_);
  std::string header;
  PutVarint(buffer_.size(), &header);
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
  uint64_t size = 0;
  for (int shift = 0;; shift += 7) {
    int c = std::fgetc(file_);
    if (c == EOF) {
      if (shift != 0) *status = Status::Corruption("spill file " + path_ + " ends inside a row");
      return false;
    }
    size |= static_cast<uint64_t>(c & 0x7f) << shift;
    if (!(c & 0x80)) break;
    if (shift > 56) {
      *status = Status::Corruption("spill file " + path_ + ": bad row length");
      return false;
    }
  }
  buffer_.resize(size);
  if (std::fread(buffer_.data(), 1, size, file_) != size) {
    *status = Status::Corruption("spill file " + path_ + " ends inside a row");
    return false;
  }
  Decoder d(buffer_.data(), buffer_.data() + buffer_.size());
  uint64_t time = 0, index = 0, count = 0;
  uint8_t quarantined = 0;
  bool ok = d.Byte(&quarantined) && d.String(&row->source_url) && d.Varint(&time) &&
            d.Varint(&index) && d.Varint(&count) && count <= size;
  if (ok) {
    row->quarantined = quarantined != 0;
    row->fetch_time_micros = UnZigZag(time);
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
