// Text made safe to place in HTML: every string a report shows (titles,
// labels, cells) goes through EscapeHtml, in text and in attribute values
// alike, so a label such as `<script>` or `"` renders as the characters it
// holds and never as markup. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gleaner::report {

// `text` with & < > " ' replaced by their character references.
std::string EscapeHtml(std::string_view text);

// `text` cut to at most `max_code_points` UTF-8 code points, the last of them
// an ellipsis when cut (never inside a multi-byte character), for labels drawn
// in a fixed width; the full text stays in the element's data-label and title.
std::string Shorten(std::string_view text, size_t max_code_points);

}  // namespace gleaner::report
