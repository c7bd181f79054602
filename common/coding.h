// Integers as bytes, the one place the project spells them: fixed-width
// little-endian (Parquet, gzip trailers, hash inputs, spill files), fixed-width
// big-endian (store keys, whose byte order must equal numeric order), base-128
// varints and zigzag (Thrift compact protocol, spill files). Pure functions on
// caller-owned buffers; safe from any thread. Modelled on LevelDB's util/coding.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gleaner {

// A 64-bit varint takes at most this many bytes (7 payload bits each).
inline constexpr size_t kMaxVarint64Bytes = 10;

// Appends `value` least significant byte first.
void PutFixed32(std::string* dst, uint32_t value);
void PutFixed64(std::string* dst, uint64_t value);
// Appends `value` most significant byte first, so that comparing the bytes
// compares the numbers.
void PutFixed32BE(std::string* dst, uint32_t value);
void PutFixed64BE(std::string* dst, uint64_t value);

// Read what the Put* above wrote. `p` must point at 4 (or 8) readable bytes.
uint32_t DecodeFixed32(const char* p);
uint64_t DecodeFixed64(const char* p);
uint32_t DecodeFixed32BE(const char* p);
uint64_t DecodeFixed64BE(const char* p);

// Appends `value` as a base-128 varint, low groups first, the high bit of each
// byte saying another follows (protobuf's and Thrift's encoding).
void PutVarint64(std::string* dst, uint64_t value);
// Decodes one varint from the front of `*input` and advances it past it.
// False, leaving *input and *value unspecified, when the input ends inside the
// varint, or when it runs past kMaxVarint64Bytes or beyond 64 bits.
[[nodiscard]] bool GetVarint64(std::string_view* input, uint64_t* value);

// Maps signed to unsigned so that small magnitudes stay small varints:
// 0, -1, 1, -2, ... become 0, 1, 2, 3, ...
inline uint64_t ZigZagEncode64(int64_t value) {
  // The arithmetic shift of the sign bit gives all ones for negatives.
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t ZigZagDecode64(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

}  // namespace gleaner
