#include "common/coding.h"

namespace gleaner {
namespace {

template <typename T>
void PutLittleEndian(std::string* dst, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) dst->push_back(static_cast<char>(value >> (8 * i)));
}

template <typename T>
void PutBigEndian(std::string* dst, T value) {
  for (size_t i = sizeof(T); i-- > 0;) dst->push_back(static_cast<char>(value >> (8 * i)));
}

template <typename T>
T DecodeLittleEndian(const char* p) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    value |= static_cast<T>(static_cast<uint8_t>(p[i])) << (8 * i);
  return value;
}

}  // namespace

void PutFixed32(std::string* dst, uint32_t value) { PutLittleEndian(dst, value); }
void PutFixed64(std::string* dst, uint64_t value) { PutLittleEndian(dst, value); }
void PutFixed32BE(std::string* dst, uint32_t value) { PutBigEndian(dst, value); }
void PutFixed64BE(std::string* dst, uint64_t value) { PutBigEndian(dst, value); }

uint32_t DecodeFixed32(const char* p) { return DecodeLittleEndian<uint32_t>(p); }
uint64_t DecodeFixed64(const char* p) { return DecodeLittleEndian<uint64_t>(p); }

uint32_t DecodeFixed32BE(const char* p) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(p[i]);
  return value;
}

uint64_t DecodeFixed64BE(const char* p) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(p[i]);
  return value;
}

void PutVarint64(std::string* dst, uint64_t value) {
  while (value >= 0x80) {
    dst->push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  dst->push_back(static_cast<char>(value));
}

bool GetVarint64(std::string_view* input, uint64_t* value) {
  uint64_t result = 0;
  for (size_t i = 0; i < input->size() && i < kMaxVarint64Bytes; ++i) {
    const uint8_t byte = static_cast<uint8_t>((*input)[i]);
    // The tenth byte holds bit 63 alone; anything more does not fit.
    if (i == kMaxVarint64Bytes - 1 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      input->remove_prefix(i + 1);
      *value = result;
      return true;
    }
  }
  return false;
}

}  // namespace gleaner
