// How deeply a page nests its elements, estimated from the raw bytes before
// parsing. Gumbo's tree construction slows down quadratically with depth and
// frees its tree recursively, so a page of 200,000 nested <div>s would hang a
// worker or overflow its stack; the extractor measures first and refuses
// such pages. Pure function; safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace gleaner::crawler {

// Pages nesting deeper are refused unparsed. Browsers stop nesting at 512
// levels; real pages stay far below either.
inline constexpr size_t kMaxHtmlNesting = 1024;

// The greatest number of elements open at once while reading `html`, counted
// as the HTML parser would open them, or a number above `limit` as soon as
// the count passes it. Elements that the parser closes implicitly (p, li,
// td, a, ...) and void elements (br, img, ...) are not counted, comments and
// the contents of script, style and other raw-text elements are skipped, and
// a self-closing "/>" closes only inside <svg> and <math>, as in HTML. An end
// tag closes what the parser would close: down to the nearest open element of
// its name, but not through an element HTML forbids it to close through
// (stray "</span>"s after each "<div>" leave every div open). An estimate in
// one pass, keeping the names of the open elements (at most limit + 1).
size_t HtmlNestingDepth(std::string_view html, size_t limit);

}  // namespace gleaner::crawler
