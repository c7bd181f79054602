#include "crawler/extract/html_document.h"

#include <new>

#include "crawler/extract/html_text.h"

namespace gleaner::crawler {
namespace {

void* ArenaAllocate(void* arena, size_t size) {
  return static_cast<ParseArena*>(arena)->Allocate(size);
}

void ArenaDeallocate(void* arena, void* block) {
  static_cast<ParseArena*>(arena)->Deallocate(block);
}

}  // namespace

HtmlDocument::HtmlDocument(std::string_view bytes, ParseArena* arena)
    : arena_(arena), source_(bytes) {
  if (!IsValidUtf8(bytes)) {
    repaired_ = ToValidUtf8(bytes);
    source_ = repaired_;
  }
  const GumboOptions options = Options();
  output_ = gumbo_parse_with_options(&options, source_.data(), source_.size());
  // Gumbo returns nothing only when its allocator failed.
  if (output_ == nullptr) throw std::bad_alloc();
}

HtmlDocument::~HtmlDocument() {
  const GumboOptions options = Options();
  if (arena_ == nullptr) {
    gumbo_destroy_output(&options, output_);
    return;
  }
  // The tree is dropped with the arena's range; only blocks that spilled to
  // malloc need the walk that frees them one by one.
  if (arena_->spilled_blocks() > 0) gumbo_destroy_output(&options, output_);
  arena_->Reset();
}

GumboOptions HtmlDocument::Options() const {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are never reported; don't pay to record them
  if (arena_ != nullptr) {
    options.allocator = ArenaAllocate;
    options.deallocator = ArenaDeallocate;
    options.userdata = arena_;
  }
  return options;
}

}  // namespace gleaner::crawler
