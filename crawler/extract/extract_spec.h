// ExtractSpec: what the extractors are compiled from -- the extraction half of
// a job's source (HTML records and links to follow; JSON records, fields and
// paging). Plain copyable data owned by this stage; the job parser
// (crawler/job) fills it and its SourceSpec adds where the pages come from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gleaner::crawler {

// How an HTML field takes its value from the elements its selector matches.
enum class TakeMode {
  kText,       // `text: true` (the default): the text as a browser renders it
  kRawText,    // `text: raw`: the text exactly as in the document
  kAttr,       // `attr: NAME`
  kInnerHtml,  // `html: true`
  kCount,      // `count: true`: the number of matches, an integer (0 for none)
};

struct HtmlFieldSpec {
  std::string name;
  std::string css;  // selector, relative to the record's root element
  TakeMode take = TakeMode::kText;
  std::string attr;   // for kAttr
  std::string regex;  // optional: first capture group (or whole match) of this RE2 regex
  bool all = false;   // take every match, joined as a JSON array, not the first
  // kText, kRawText, kInnerHtml: selectors (relative to the record's root, as
  // css is) whose matches inside a taken element are left out of its value.
  std::vector<std::string> exclude;
};

struct HtmlRecordSpec {
  std::string when;  // optional selector; the page holds records only if it matches
  std::string list;  // optional selector; each match is one record's root (default: the document)
  std::vector<HtmlFieldSpec> fields;
};

enum class PaginationKind { kNone, kNextLink, kPageParam, kOffsetParam, kCursor };

struct Pagination {
  PaginationKind kind = PaginationKind::kNone;
  std::string next_path;      // kNextLink: JSONPath of the next URL
  std::string param;          // kPageParam / kOffsetParam / kCursor: query parameter to set
  int64_t start = 1;          // first page number or offset
  int64_t step = 0;           // kOffsetParam: increment (default: records per page)
  std::string cursor_path;    // kCursor: JSONPath of the next cursor
  int64_t max_pages = 10000;  // hard stop
};

struct JsonFieldSpec {
  std::string name;
  std::string path;  // JSONPath relative to the record
};

struct ExtractSpec {
  enum class Kind { kHtml, kJson } kind = Kind::kHtml;
  // html
  std::vector<std::string>
      follow;  // selectors whose matches' href/src are followed (besides a[href])
  std::optional<HtmlRecordSpec> records;
  // json
  std::string records_path = "$";          // JSONPath of the record array / objects
  std::vector<JsonFieldSpec> json_fields;  // empty = keep each record object whole
  Pagination paginate;
};

}  // namespace gleaner::crawler
