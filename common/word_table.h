// Word tables: the values of an enum with the words that files, flags, paths
// and messages spell them with, written once as an array of {word, value}
// pairs beside the enum and read both ways from here (YAML parsers read them
// with yaml::Node::ReadEnum). Words must be string literals: WordOf hands out
// their NUL-terminated data(). Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace gleaner {

template <typename E>
using WordPair = std::pair<std::string_view, E>;

// The word of `value`; "?" for a value the table lacks.
template <typename E, size_t N>
constexpr const char* WordOf(const WordPair<E> (&table)[N], E value) {
  for (const auto& [word, candidate] : table) {
    if (candidate == value) return word.data();
  }
  return "?";
}

// The value spelled `word`; false, leaving *out alone, for any other word.
template <typename E, size_t N>
constexpr bool ValueOf(const WordPair<E> (&table)[N], std::string_view word, E* out) {
  for (const auto& [candidate, value] : table) {
    if (candidate == word) {
      *out = value;
      return true;
    }
  }
  return false;
}

// "a, b or c", for messages listing what was expected.
template <typename E, size_t N>
std::string WordList(const WordPair<E> (&table)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += table[i].first;
  }
  return out;
}

}  // namespace gleaner
