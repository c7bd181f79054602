#include "crawler/extract/parse_arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace gleaner::crawler {
namespace {

size_t RoundUp(size_t n, size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

}  // namespace

ParseArena::ParseArena(size_t capacity_bytes, size_t retained_bytes) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  capacity_ = RoundUp(capacity_bytes, page);
  retained_ = RoundUp(retained_bytes, page);
  if (retained_ > capacity_) retained_ = capacity_;
  // NORESERVE: only the pages a parse touches take memory (or swap).
  void* range = capacity_ == 0 ? MAP_FAILED
                               : mmap(nullptr, capacity_, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (range == MAP_FAILED) {
    capacity_ = retained_ = 0;  // every block spills to malloc
    return;
  }
  base_ = static_cast<char*>(range);
}

ParseArena::~ParseArena() {
  if (base_ != nullptr) munmap(base_, capacity_);
}

void* ParseArena::AllocateSpilled(size_t size) {
  void* block = std::malloc(size);
  if (block != nullptr) ++spilled_blocks_;
  return block;
}

void ParseArena::DeallocateSpilled(void* block) {
  if (block == nullptr) return;
  std::free(block);
  --spilled_blocks_;
}

bool ParseArena::Owns(const void* block) const {
  // Integer comparison: relational operators on unrelated pointers are unspecified.
  const auto address = reinterpret_cast<uintptr_t>(block);
  const auto begin = reinterpret_cast<uintptr_t>(base_);
  return base_ != nullptr && address >= begin && address - begin < capacity_;
}

void ParseArena::Reset() {
  high_water_ = std::max(high_water_, top_);
  top_ = latest_ = 0;
  if (high_water_ > retained_) {
    // The pages stay mapped, and read back as zeros when next touched.
    madvise(base_ + retained_, high_water_ - retained_, MADV_DONTNEED);
    high_water_ = retained_;
  }
}

}  // namespace gleaner::crawler
