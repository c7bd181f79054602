// TextScanner: the cursor both hand-written expression parsers of this folder
// (CSS selectors, JSONPath) read their text with. It owns the position and the
// error wording, so every parse error reads the same way:
//   "<language> '<text>': expected <what> at offset <n>"  (n 0-based).
// A scanner borrows `text`, which must outlive it; one per parse, one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gleaner::crawler {

class TextScanner {
 public:
  // `language` names the text in errors: "css selector", "json path".
  TextScanner(std::string_view language, std::string_view text)
      : language_(language), text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  // The next character; only when !AtEnd().
  char Peek() const { return text_[pos_]; }
  bool PeekIs(char c) const { return !AtEnd() && Peek() == c; }
  // The unread text.
  std::string_view rest() const { return text_.substr(pos_); }
  size_t pos() const { return pos_; }
  // Moves back to a position pos() returned, to report an error where a
  // construct began.
  void Rewind(size_t pos) { pos_ = pos; }

  // Steps over the next character, and returns it; only when !AtEnd().
  char Next() { return text_[pos_++]; }
  // Steps over `c` when it comes next.
  bool Consume(char c) {
    if (!PeekIs(c)) return false;
    ++pos_;
    return true;
  }
  // Steps over `token` when the text continues with it.
  bool Consume(std::string_view token) {
    if (!rest().starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  // Steps over the characters `accept` holds for; returns them.
  template <typename Predicate>
  std::string_view TakeWhile(Predicate accept) {
    const size_t start = pos_;
    while (!AtEnd() && accept(Peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // At a quote character: the text up to the same quote, a backslash taking
  // the character after it literally; the scanner ends past the closing quote.
  // Fails with "expected closing <quote>" at the end of an unclosed string.
  Status QuotedString(std::string* out);

  // A decimal integer (an optional '-', then digits) no greater than `max`.
  // Fails with "expected <expected>" at the integer, which is left unread.
  Status Integer(std::string_view expected, int64_t* out,
                 int64_t max = std::numeric_limits<int64_t>::max());

  // InvalidArgument naming the text, what was expected, and the position.
  Status Error(std::string_view expected) const;

 private:
  std::string_view language_;
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace gleaner::crawler
