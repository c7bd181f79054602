// A label shortened to fit a fixed width: charts draw at most so many
// characters of a label and keep the whole of it in the bar's data-label and
// tooltip. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gleaner::report {

// `text` cut to at most `max_code_points` UTF-8 code points, the last of them
// an ellipsis when cut (never inside a multi-byte character).
std::string Shorten(std::string_view text, size_t max_code_points);

}  // namespace gleaner::report
