// Text made safe to place in HTML: & < > and " replaced by their character
// references, so a string shown in a text node or in a double-quoted attribute
// value reads as the characters it holds and never as markup. Attributes must
// be double-quoted (' is left as it is). Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gleaner {

std::string EscapeHtml(std::string_view text);

}  // namespace gleaner
