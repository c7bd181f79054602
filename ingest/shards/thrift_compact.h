// A minimal Thrift compact-protocol encoder: what the Parquet footer and page
// headers need. A plain value type with no shared state; use one instance per
// thread. (The tests read its output back with
// tests/support/thrift_compact_decoder.h.)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gleaner::shards {

// Wire type ids of the compact protocol. Booleans as struct fields carry
// their value in the type nibble (kBoolTrue / kBoolFalse).
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

// Appends compact-protocol bytes to an internal buffer. The caller opens and
// closes structs and lists in a properly nested order; field ids within a
// struct must be written in increasing order for the short delta form to be
// used (any order is still encoded correctly).
class CompactWriter {
 public:
  CompactWriter();

  void FieldBool(int16_t id, bool value);
  void FieldI32(int16_t id, int32_t value);
  void FieldI64(int16_t id, int64_t value);
  void FieldBinary(int16_t id, std::string_view value);

  // A struct-valued field; fields written until EndStruct() belong to it.
  void BeginStructField(int16_t id);
  // A list-valued field of `size` elements of `element_type`; follow with
  // exactly `size` List*() calls (or BeginListStruct()/EndStruct() pairs).
  void BeginListField(int16_t id, CompactType element_type, uint32_t size);
  void ListI32(int32_t value);
  void ListBinary(std::string_view value);
  void BeginListStruct();
  // Writes the stop byte of the innermost open struct.
  void EndStruct();

  // Closes the outermost struct and returns the encoded bytes.
  std::string Finish();

 private:
  void FieldHeader(int16_t id, CompactType type);

  std::string out_;
  // Last field id written in each open struct, innermost last.
  std::vector<int16_t> last_field_ids_;
};

}  // namespace gleaner::shards
