// Text and markup of Gumbo nodes as scraped values, and the UTF-8 repair that
// makes arbitrary page bytes safe to hand to Gumbo. Pure functions: they only
// read the tree (which must outlive the call) and are safe from any thread.
#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>

namespace gleaner::crawler {

// The node's text as a browser's textContent gives it -- every descendant
// text node (script and style contents included, comments excluded)
// concatenated in document order, entities already decoded -- and then, as
// users expect of scraped text, each run of ASCII whitespace (space, tab, CR,
// LF, FF) collapsed to one space and the result trimmed. Markup adds no
// spaces of its own: "<p>a</p><p>b</p>" gives "ab". A no-break space (&nbsp;)
// is content, not whitespace, and stays U+00A0.
std::string TextContent(const GumboNode* node);

// The node's children serialized as HTML, as innerHTML does: text escapes
// &, < and > (except inside script, style and the other raw-text elements);
// attribute values are double-quoted with & and " escaped; void elements
// (br, img, ...) have no end tag; comments are kept.
std::string InnerHtml(const GumboNode* node);

// The input with every ill-formed UTF-8 sequence (stray bytes, truncated or
// overlong sequences, surrogates, code points above U+10FFFF) replaced by
// U+FFFD, one per maximal ill-formed subpart as the Unicode standard
// recommends. Gumbo requires valid UTF-8; pages do not always deliver it.
std::string ToValidUtf8(std::string_view bytes);

}  // namespace gleaner::crawler
