// TestKeyHash(k): a well-mixed 64-bit hash of the integer key k (the
// SplitMix64 finalizer), standing in for split::KeyHash in tests of key
// samples below the split stage. Header-only; thread-safe.
#pragma once

#include <cstdint>

namespace gleaner::testing {

inline uint64_t TestKeyHash(uint64_t k) {
  uint64_t z = k + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

}  // namespace gleaner::testing
