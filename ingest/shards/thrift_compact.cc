#include "ingest/shards/thrift_compact.h"

#include <cstring>

namespace gleaner::shards {

CompactWriter::CompactWriter() : last_field_ids_{0} {}

void CompactWriter::AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

uint64_t CompactWriter::ZigZag(int64_t value) {
  // Arithmetic shift of the sign bit gives all-ones for negatives.
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

void CompactWriter::FieldHeader(int16_t id, CompactType type) {
  int16_t& last = last_field_ids_.back();
  const int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    AppendVarint(ZigZag(id), &out_);
  }
  last = id;
}

void CompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, CompactType::kI32);
  AppendVarint(ZigZag(value), &out_);
}

void CompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, CompactType::kI64);
  AppendVarint(ZigZag(value), &out_);
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
    AppendVarint(size, &out_);
  }
}

void CompactWriter::ListI32(int32_t value) { AppendVarint(ZigZag(value), &out_); }

void CompactWriter::ListBinary(std::string_view value) {
  AppendVarint(value.size(), &out_);
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

const CompactValue* CompactValue::Field(int16_t id) const {
  auto it = fields.find(id);
  return it == fields.end() ? nullptr : &it->second;
}

namespace {

// Nesting deeper than this is not Parquet metadata; refusing it keeps a
// corrupt footer from exhausting the stack.
constexpr int kMaxDepth = 64;

class CompactReader {
 public:
  explicit CompactReader(std::string_view bytes) : bytes_(bytes) {}

  size_t position() const { return pos_; }

  Status ReadStruct(CompactValue* out, int depth) {
    if (depth > kMaxDepth) return Status::Corruption("thrift: nesting too deep");
    out->type = CompactType::kStruct;
    int16_t last_id = 0;
    while (true) {
      uint8_t header;
      GLEANER_RETURN_IF_ERROR(ReadByte(&header));
      const auto type = static_cast<CompactType>(header & 0x0F);
      if (type == CompactType::kStop) return Status::OK();
      int16_t id;
      if (const int delta = header >> 4; delta != 0) {
        id = static_cast<int16_t>(last_id + delta);
      } else {
        int64_t wide;
        GLEANER_RETURN_IF_ERROR(ReadZigZag(&wide));
        id = static_cast<int16_t>(wide);
      }
      last_id = id;
      CompactValue& field = out->fields[id];
      if (type == CompactType::kBoolTrue || type == CompactType::kBoolFalse) {
        field.type = type;
        field.boolean = type == CompactType::kBoolTrue;
        continue;
      }
      GLEANER_RETURN_IF_ERROR(ReadValue(type, &field, depth));
    }
  }

 private:
  Status ReadValue(CompactType type, CompactValue* out, int depth) {
    out->type = type;
    switch (type) {
      case CompactType::kBoolTrue:
      case CompactType::kBoolFalse: {
        // Booleans inside lists are one byte each, 1 for true.
        uint8_t b;
        GLEANER_RETURN_IF_ERROR(ReadByte(&b));
        out->boolean = b == 1;
        return Status::OK();
      }
      case CompactType::kByte: {
        uint8_t b;
        GLEANER_RETURN_IF_ERROR(ReadByte(&b));
        out->integer = static_cast<int8_t>(b);
        return Status::OK();
      }
      case CompactType::kI16:
      case CompactType::kI32:
      case CompactType::kI64:
        return ReadZigZag(&out->integer);
      case CompactType::kDouble: {
        if (bytes_.size() - pos_ < 8) return Truncated();
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) {
          bits |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
        }
        pos_ += 8;
        std::memcpy(&out->floating, &bits, sizeof bits);
        return Status::OK();
      }
      case CompactType::kBinary: {
        uint64_t length;
        GLEANER_RETURN_IF_ERROR(ReadVarint(&length));
        if (bytes_.size() - pos_ < length) return Truncated();
        out->binary.assign(bytes_.substr(pos_, length));
        pos_ += length;
        return Status::OK();
      }
      case CompactType::kList:
      case CompactType::kSet: {
        uint8_t header;
        GLEANER_RETURN_IF_ERROR(ReadByte(&header));
        uint64_t size = header >> 4;
        if (size == 15) GLEANER_RETURN_IF_ERROR(ReadVarint(&size));
        // Every element takes at least one byte: a larger count is corrupt.
        if (size > bytes_.size() - pos_) return Truncated();
        const auto element_type = static_cast<CompactType>(header & 0x0F);
        out->elements.resize(size);
        for (CompactValue& element : out->elements) {
          GLEANER_RETURN_IF_ERROR(ReadValue(element_type, &element, depth + 1));
        }
        return Status::OK();
      }
      case CompactType::kStruct:
        return ReadStruct(out, depth + 1);
      default:
        return Status::Corruption("thrift: unsupported compact type " +
                                  std::to_string(static_cast<int>(type)));
    }
  }

  Status ReadByte(uint8_t* out) {
    if (pos_ >= bytes_.size()) return Truncated();
    *out = static_cast<uint8_t>(bytes_[pos_++]);
    return Status::OK();
  }

  Status ReadVarint(uint64_t* out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b;
      GLEANER_RETURN_IF_ERROR(ReadByte(&b));
      value |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *out = value;
        return Status::OK();
      }
    }
    return Status::Corruption("thrift: varint longer than 10 bytes");
  }

  Status ReadZigZag(int64_t* out) {
    uint64_t raw;
    GLEANER_RETURN_IF_ERROR(ReadVarint(&raw));
    *out = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
    return Status::OK();
  }

  static Status Truncated() { return Status::Corruption("thrift: truncated input"); }

  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

Status DecodeCompactStruct(std::string_view bytes, CompactValue* out, size_t* consumed) {
  CompactReader reader(bytes);
  *out = CompactValue();
  GLEANER_RETURN_IF_ERROR(reader.ReadStruct(out, 0));
  *consumed = reader.position();
  return Status::OK();
}

}  // namespace gleaner::shards
