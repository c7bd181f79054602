// ParseArena: the memory of one HTML parse at a time, handed out by bumping a
// pointer through one reserved range of address space, so a parse tree of
// thousands of small blocks costs no malloc or free each and is dropped whole
// instead of freed node by node. Bounded: a parse takes at most capacity_bytes
// from the range (past that its blocks come from malloc and must be freed one
// by one), and Reset() hands every byte past retained_bytes back to the kernel,
// so between parses the arena holds at most retained_bytes resident however
// large the last page was. Not thread-safe: one owner (a worker thread) uses
// it, for one parse at a time; the arena owns the range and unmaps it when
// destroyed, after which no block it handed out may be touched.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gleaner::crawler {

class ParseArena {
 public:
  // Reserves capacity_bytes of address space (no memory until touched).
  // retained_bytes is rounded up to whole pages of memory. When the
  // reservation fails the arena serves everything from malloc.
  ParseArena(size_t capacity_bytes, size_t retained_bytes);
  ~ParseArena();
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;

  // A block of size bytes aligned as malloc's: from the range while it has
  // room, else from malloc (spilled). Never null unless malloc fails. Inline:
  // a parse asks for thousands of blocks a page.
  void* Allocate(size_t size) {
    if (size > capacity_) return AllocateSpilled(size);  // nor can rounding up wrap
    const size_t rounded = (size + (size == 0) + kAlignment - 1) & ~(kAlignment - 1);
    if (rounded > capacity_ - top_) return AllocateSpilled(size);
    latest_ = top_;
    top_ += rounded;
    return base_ + latest_;
  }
  // Frees a spilled block; a block of the range is reclaimed only when it is
  // the latest handed out (the rest wait for Reset). Inline for the range's.
  void Deallocate(void* block) {
    // Unsigned: a block below the range (or null) is as far out as one above.
    const uintptr_t offset =
        reinterpret_cast<uintptr_t>(block) - reinterpret_cast<uintptr_t>(base_);
    if (offset >= capacity_) return DeallocateSpilled(block);
    // A string buffer or vector that grew moved to a new block and freed the
    // old; only the latest block can be given back without a free list.
    if (offset == latest_ && top_ != latest_) {
      if (top_ > high_water_) high_water_ = top_;  // the peak before top_ falls
      top_ = latest_;
    }
  }

  // Blocks from malloc that were not freed since the last Reset. The owner of
  // a parse tree may drop the tree without walking it only when this is 0.
  size_t spilled_blocks() const { return spilled_blocks_; }
  // Bytes of the range handed out since the last Reset.
  size_t used_bytes() const { return top_; }
  // True when block lies in the range (so Deallocate would not free it).
  bool Owns(const void* block) const;

  // Forgets every block of the range (they must no longer be used) and
  // returns the memory touched past retained_bytes to the kernel. Spilled
  // blocks still allocated stay the caller's to free.
  void Reset();

 private:
  static constexpr size_t kAlignment = alignof(std::max_align_t);

  void* AllocateSpilled(size_t size);
  void DeallocateSpilled(void* block);

  char* base_ = nullptr;  // the reserved range; nullptr when reserving failed
  size_t capacity_ = 0;
  size_t retained_ = 0;
  size_t top_ = 0;         // bytes of the range handed out
  size_t latest_ = 0;      // offset of the latest block handed out
  // Bytes of the range touched since the last trim, but for the blocks
  // handed out since top_ last fell (Reset counts top_ in).
  size_t high_water_ = 0;
  size_t spilled_blocks_ = 0;
};

}  // namespace gleaner::crawler
