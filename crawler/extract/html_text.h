// Text and markup of Gumbo nodes as scraped values, and the UTF-8 repair that
// makes arbitrary page bytes safe to hand to Gumbo. Pure functions: they only
// read the tree (which must outlive the call) and are safe from any thread as
// long as the filter passed in is.
#pragma once

#include <gumbo.h>

#include <functional>
#include <string>
#include <string_view>

namespace gleaner::crawler {

// How TextContent treats the whitespace of the document's text.
enum class Whitespace {
  // As a browser's innerText renders it: each run of ASCII whitespace (space,
  // tab, CR, LF, FF) collapsed to one space and the result trimmed -- except
  // text inside <pre>, <textarea>, <listing>, <plaintext> or <xmp> (the
  // elements whose default style is `white-space: pre`), which keeps every
  // space and newline it has, at the ends too. Being inside such an element
  // counts whether it encloses the node or lies below it.
  kRendered,
  // Exactly as in the document: nothing collapsed, nothing trimmed.
  kRaw,
};

// Decides, for an element strictly below the node being serialized, whether
// its whole subtree is left out of the value. An empty function keeps everything.
using ElementFilter = std::function<bool(const GumboNode* element)>;

// The node's text as a browser's textContent gives it -- every descendant
// text node (script and style contents included, comments excluded)
// concatenated in document order, entities already decoded -- with its
// whitespace treated as `whitespace` says. Markup adds no characters of its
// own: "<p>a</p><p>b</p>" gives "ab", and <br> gives nothing. A no-break
// space (&nbsp;) is content, not whitespace, and stays U+00A0.
std::string TextContent(const GumboNode* node, Whitespace whitespace = Whitespace::kRendered,
                        const ElementFilter& left_out = {});

// The node's children serialized as HTML, as innerHTML does: text escapes
// &, < and > (except inside script, style and the other raw-text elements);
// attribute values are double-quoted with & and " escaped; void elements
// (br, img, ...) have no end tag; comments are kept. Elements left_out
// selects are omitted with everything inside them.
std::string InnerHtml(const GumboNode* node, const ElementFilter& left_out = {});

// The input with every ill-formed UTF-8 sequence (stray bytes, truncated or
// overlong sequences, surrogates, code points above U+10FFFF) replaced by
// U+FFFD, one per maximal ill-formed subpart as the Unicode standard
// recommends. Gumbo requires valid UTF-8; pages do not always deliver it.
std::string ToValidUtf8(std::string_view bytes);

// True when ToValidUtf8 would return the bytes unchanged.
bool IsValidUtf8(std::string_view bytes);

}  // namespace gleaner::crawler
