// HtmlExtractor: one HTML source's extraction compiled once -- links to
// follow, <base href>, rel=canonical, and records of fields -- then applied to
// many pages. Compile parses every selector and regex up front; Extract is
// const and keeps no state between calls, so one extractor may serve a whole
// worker pool concurrently. Each calling thread parses in a ParseArena of its
// own (parse_arena.h), which keeps at most 4 MiB between pages until the
// thread exits.
#pragma once

#include <memory>
#include <optional>
#include <re2/re2.h>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crawler/extract/css_selector.h"
#include "crawler/extract/extract_spec.h"
#include "schema/gleaner.pb.h"

namespace gleaner::crawler {

// Links taken from one page, at most. A page of millions of links (a body
// limit raised, or a well-compressed body) would otherwise hold millions of
// strings here, and as many frontier items downstream; the rest are counted.
inline constexpr size_t kMaxLinksPerPage = 10'000;

struct HtmlExtraction {
  // Raw (unresolved) URLs from a[href] and the follow selectors' href (or src
  // when there is no href), in document order, empty ones skipped, each URL
  // once: of spellings differing only in their #fragment, the first is taken.
  // The caller resolves them against base_href or the page URL. Here and
  // below "raw" means the attribute value as parsed (entities decoded) with
  // surrounding ASCII whitespace trimmed, as URL parsers trim it anyway.
  // At most kMaxLinksPerPage of them: the first in document order.
  std::vector<std::string> links;
  // Link elements past kMaxLinksPerPage whose URL (without #fragment) is not
  // among those taken: not followed. (Repeats among them are each counted.)
  uint64_t links_over_cap = 0;
  std::string base_href;  // the first <base href>, raw; empty when absent
  std::string canonical;  // the first <link rel="canonical" href>, raw; empty when absent
  // True when the source has a records spec and the page satisfies its `when`
  // selector (or it has none). A record page may still yield no records.
  bool is_record_page = false;
  // One entry per record root, fields in spec order. A field whose selector
  // matches nothing, whose attribute is missing, or whose regex does not
  // match is a null Value (kind unset). Values are strings (or, for
  // `all: true`, a JSON array of strings or nulls in json_value), except a
  // `count: true` field's, which is an int_value (0 when nothing matches);
  // typing happens in the prepare stage.
  std::vector<std::vector<v1::Field>> records;
};

class HtmlExtractor {
 public:
  // InvalidArgument naming the selector or regex that does not compile, or
  // the field whose options contradict its TakeMode (an attr without a name;
  // exclude with attr or count; regex or all with count).
  static Status Compile(const ExtractSpec& source, std::unique_ptr<HtmlExtractor>* out);

  // Parses html (any bytes; ill-formed UTF-8 becomes U+FFFD) and fills *out.
  // InvalidArgument, without parsing, for a page nesting elements deeper than
  // kMaxHtmlNesting (html_nesting.h).
  Status Extract(std::string_view html, HtmlExtraction* out) const;

 private:
  struct CompiledField {
    HtmlFieldSpec spec;
    CssSelector selector;
    // RE2: linear in the text and with no recursion, so a hostile page cannot
    // hang or overflow the stack of a crawl with a backtracking-prone pattern.
    std::unique_ptr<RE2> regex;
    std::vector<CssSelector> exclude;  // matched from the record's root, as selector is
  };

  HtmlExtractor() = default;
  // The field's value for one element matched below the record's root; nullopt is a null.
  static std::optional<std::string> TakeValue(const CompiledField& field, const GumboNode* element,
                                              const GumboNode* root);
  static void FillValue(const CompiledField& field, const GumboNode* root, v1::Value* value);

  std::vector<CssSelector> link_selectors_;  // a[href] plus every follow selector
  CssSelector base_selector_;
  CssSelector canonical_selector_;
  bool has_records_ = false;
  std::optional<CssSelector> when_;
  std::optional<CssSelector> list_;
  std::vector<CompiledField> fields_;
};

}  // namespace gleaner::crawler
