#include "ingest/shards/thrift_compact.h"

#include "common/coding.h"

namespace gleaner::shards {

CompactWriter::CompactWriter() : last_field_ids_{0} {}

void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  int16_t& last = last_field_ids_.back();
  const int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    PutVarint64(&out_, ZigZagEncode64(id));
  }
  last = id;
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, CompactType::kI32);
  PutVarint64(&out_, ZigZagEncode64(value));
}

void CompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, CompactType::kI64);
  PutVarint64(&out_, ZigZagEncode64(value));
}

void CompactWriter::FieldBinary(int16_t id, std::string_view value) {
  FieldHeader(id, CompactType::kBinary);
  ListBinary(value);
}

void CompactWriter::BeginStructField(int16_t id) {
  FieldHeader(id, CompactType::kStruct);
  last_field_ids_.push_back(0);
}

void CompactWriter::BeginListField(int16_t id, CompactType element_type, uint32_t size) {
  FieldHeader(id, CompactType::kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<int>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xF0 | static_cast<int>(element_type)));
    PutVarint64(&out_, size);
  }
}

void CompactWriter::ListI32(int32_t value) { PutVarint64(&out_, ZigZagEncode64(value)); }

void CompactWriter::ListBinary(std::string_view value) {
  PutVarint64(&out_, value.size());
  out_.append(value);
}

void CompactWriter::BeginListStruct() { last_field_ids_.push_back(0); }

void CompactWriter::EndStruct() {
  out_.push_back(static_cast<char>(CompactType::kStop));
  last_field_ids_.pop_back();
}

std::string CompactWriter::Finish() {
  out_.push_back(static_cast<char>(CompactType::kStop));
  last_field_ids_.assign(1, 0);
  return std::move(out_);
}

}  // namespace gleaner::shards
