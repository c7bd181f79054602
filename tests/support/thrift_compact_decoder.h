// A generic decoder for the Thrift compact protocol that turns bytes back into
// a tree of values: the tests read what CompactWriter (and the Parquet
// writer) wrote with it. Test-only, header-only; plain values with no shared
// state.
#pragma once

#include <bit>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/coding.h"
#include "common/status.h"
#include "ingest/shards/thrift_compact.h"

namespace gleaner::testing {

// One decoded value. Which members are meaningful depends on `type`:
// integers (and bytes) in `integer`, booleans in `boolean`, doubles in
// `floating`, binary in `binary`, list/set elements in `elements`, struct
// fields in `fields` keyed by field id.
struct CompactValue {
  shards::CompactType type = shards::CompactType::kStop;
  int64_t integer = 0;
  bool boolean = false;
  double floating = 0;
  std::string binary;
  std::vector<CompactValue> elements;
  std::map<int16_t, CompactValue> fields;

  // Convenience for tests: the field with this id, or nullptr.
  const CompactValue* Field(int16_t id) const;
};

// Decodes one struct starting at the front of `bytes`; sets *consumed to the
// number of bytes it took. Maps are not supported (Parquet uses none).
inline Status DecodeCompactStruct(std::string_view bytes, CompactValue* out, size_t* consumed);

inline const CompactValue* CompactValue::Field(int16_t id) const {
  auto it = fields.find(id);
  return it == fields.end() ? nullptr : &it->second;
}

namespace compact_detail {

// Nesting deeper than this is not Parquet metadata; refusing it keeps a
// corrupt footer from exhausting the stack.
inline constexpr int kMaxDepth = 64;

class CompactReader {
 public:
  explicit CompactReader(std::string_view bytes) : bytes_(bytes) {}

  size_t position() const { return pos_; }

  Status ReadStruct(CompactValue* out, int depth) {
    if (depth > kMaxDepth) return Status::Corruption("thrift: nesting too deep");
    out->type = shards::CompactType::kStruct;
    int16_t last_id = 0;
    while (true) {
      uint8_t header;
      GLEANER_RETURN_IF_ERROR(ReadByte(&header));
      const auto type = static_cast<shards::CompactType>(header & 0x0F);
      if (type == shards::CompactType::kStop) return Status::OK();
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
      if (type == shards::CompactType::kBoolTrue || type == shards::CompactType::kBoolFalse) {
        field.type = type;
        field.boolean = type == shards::CompactType::kBoolTrue;
        continue;
      }
      GLEANER_RETURN_IF_ERROR(ReadValue(type, &field, depth));
    }
  }

 private:
  Status ReadValue(shards::CompactType type, CompactValue* out, int depth) {
    out->type = type;
    switch (type) {
      case shards::CompactType::kBoolTrue:
      case shards::CompactType::kBoolFalse: {
        // Booleans inside lists are one byte each, 1 for true.
        uint8_t b;
        GLEANER_RETURN_IF_ERROR(ReadByte(&b));
        out->boolean = b == 1;
        return Status::OK();
      }
      case shards::CompactType::kByte: {
        uint8_t b;
        GLEANER_RETURN_IF_ERROR(ReadByte(&b));
        out->integer = static_cast<int8_t>(b);
        return Status::OK();
      }
      case shards::CompactType::kI16:
      case shards::CompactType::kI32:
      case shards::CompactType::kI64:
        return ReadZigZag(&out->integer);
      case shards::CompactType::kDouble: {
        if (bytes_.size() - pos_ < 8) return Truncated();
        out->floating = std::bit_cast<double>(DecodeFixed64(bytes_.data() + pos_));
        pos_ += 8;
        return Status::OK();
      }
      case shards::CompactType::kBinary: {
        uint64_t length;
        GLEANER_RETURN_IF_ERROR(ReadVarint(&length));
        if (bytes_.size() - pos_ < length) return Truncated();
        out->binary.assign(bytes_.substr(pos_, length));
        pos_ += length;
        return Status::OK();
      }
      case shards::CompactType::kList:
      case shards::CompactType::kSet: {
        uint8_t header;
        GLEANER_RETURN_IF_ERROR(ReadByte(&header));
        uint64_t size = header >> 4;
        if (size == 15) GLEANER_RETURN_IF_ERROR(ReadVarint(&size));
        // Every element takes at least one byte: a larger count is corrupt.
        if (size > bytes_.size() - pos_) return Truncated();
        const auto element_type = static_cast<shards::CompactType>(header & 0x0F);
        out->elements.resize(size);
        for (CompactValue& element : out->elements) {
          GLEANER_RETURN_IF_ERROR(ReadValue(element_type, &element, depth + 1));
        }
        return Status::OK();
      }
      case shards::CompactType::kStruct:
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
    std::string_view rest = bytes_.substr(pos_);
    if (!GetVarint64(&rest, out)) {
      // With ten bytes at hand, only a varint too long for 64 bits fails.
      if (bytes_.size() - pos_ < kMaxVarint64Bytes) return Truncated();
      return Status::Corruption("thrift: varint longer than 10 bytes or 64 bits");
    }
    pos_ = bytes_.size() - rest.size();
    return Status::OK();
  }

  Status ReadZigZag(int64_t* out) {
    uint64_t raw;
    GLEANER_RETURN_IF_ERROR(ReadVarint(&raw));
    *out = ZigZagDecode64(raw);
    return Status::OK();
  }

  static Status Truncated() { return Status::Corruption("thrift: truncated input"); }

  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace compact_detail

inline Status DecodeCompactStruct(std::string_view bytes, CompactValue* out, size_t* consumed) {
  compact_detail::CompactReader reader(bytes);
  *out = CompactValue();
  GLEANER_RETURN_IF_ERROR(reader.ReadStruct(out, 0));
  *consumed = reader.position();
  return Status::OK();
}

}  // namespace gleaner::testing
