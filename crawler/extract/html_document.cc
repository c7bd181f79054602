#include "crawler/extract/html_document.h"

#include <new>

#include "crawler/extract/html_text.h"

namespace gleaner::crawler {

HtmlDocument::HtmlDocument(std::string_view bytes) : source_(ToValidUtf8(bytes)) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are never reported; don't pay to record them
  output_ = gumbo_parse_with_options(&options, source_.data(), source_.size());
  // Gumbo returns nothing only when its allocator failed.
  if (output_ == nullptr) throw std::bad_alloc();
}

HtmlDocument::~HtmlDocument() { gumbo_destroy_output(&kGumboDefaultOptions, output_); }

}  // namespace gleaner::crawler
