// HtmlDocument: a page parsed by Gumbo, owning the tree. Any bytes are
// accepted: ill-formed UTF-8 is repaired first (see ToValidUtf8), and Gumbo
// recovers from malformed markup as browsers do. Immutable once parsed, so
// its nodes may be read from several threads; they live as long as it does,
// and the bytes it was given must live as long (the nodes point into them).
// Parsed into a ParseArena, the tree's blocks come from the arena, which
// serves this document alone until it is destroyed (it then resets the
// arena); the arena must outlive it.
#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>

#include "crawler/extract/parse_arena.h"

namespace gleaner::crawler {

class HtmlDocument {
 public:
  // arena: nullptr for malloc, as Gumbo's defaults.
  explicit HtmlDocument(std::string_view bytes, ParseArena* arena = nullptr);
  ~HtmlDocument();
  HtmlDocument(const HtmlDocument&) = delete;
  HtmlDocument& operator=(const HtmlDocument&) = delete;

  // The document node: selecting from it sees every element, <html> included.
  const GumboNode* document() const { return output_->document; }

 private:
  GumboOptions Options() const;

  ParseArena* const arena_;
  // Gumbo's nodes point into the source buffer (original tag text): the
  // caller's bytes when they are valid UTF-8, else the repaired copy.
  std::string repaired_;
  std::string_view source_;
  GumboOutput* output_;
};

}  // namespace gleaner::crawler
