#include "crawler/extract/text_scanner.h"

#include <charconv>

namespace gleaner::crawler {

Status TextScanner::QuotedString(std::string* out) {
  const char quote = Next();
  while (!AtEnd() && Peek() != quote) {
    if (Peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
    out->push_back(Next());
  }
  if (AtEnd()) return Error(std::string("closing ") + quote);
  ++pos_;
  return Status::OK();
}

Status TextScanner::Integer(std::string_view expected, int64_t* out, int64_t max) {
  const char* begin = text_.data() + pos_;
  auto [stop, error] = std::from_chars(begin, text_.data() + text_.size(), *out);
  if (error != std::errc() || *out > max) return Error(expected);
  pos_ += static_cast<size_t>(stop - begin);
  return Status::OK();
}

Status TextScanner::Error(std::string_view expected) const {
  return Status::InvalidArgument(std::string(language_) + " '" + std::string(text_) +
                                 "': expected " + std::string(expected) + " at offset " +
                                 std::to_string(pos_));
}

}  // namespace gleaner::crawler
