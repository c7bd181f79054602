// How deeply a JSON text nests its arrays and objects, measured on the raw
// bytes before parsing. nlohmann's parser and destructor are iterative, but
// its serializer, copies and every walk over a parsed value recurse once per
// level, so 100,000 nested arrays in a 200 KB response overflow a thread's
// stack. Whoever parses untrusted JSON measures first and refuses such texts.
// Pure function; safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace gleaner {

// Texts nesting deeper are refused unparsed. Real documents stay far below;
// recursion this deep costs well under a megabyte of stack, sanitizers included.
inline constexpr size_t kMaxJsonNesting = 1024;

// The greatest number of arrays and objects open at once while reading `json`,
// or a number above `limit` as soon as the count passes it. Brackets inside
// strings (escapes honoured) do not count. For any prefix that is valid JSON
// this is the depth a parser reaches on it, so a parser stopping at the first
// error never builds deeper than this. One pass, no allocation.
size_t JsonNestingDepth(std::string_view json, size_t limit);

}  // namespace gleaner
