#include "crawler/url/percent_encoding.h"

namespace gleaner::crawler {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsUnreserved(unsigned char c) {
  return IsAsciiAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool IsSubDelim(unsigned char c) {
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
      return true;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool MayStayLiteral(unsigned char c, EncodeSet keep) {
  switch (keep) {
    case EncodeSet::kSpaceAndControls:
      return c > 0x20 && c != 0x7F;
    case EncodeSet::kPath:
      return IsUnreserved(c) || IsSubDelim(c) || c == ':' || c == '@' || c == '/';
    case EncodeSet::kPathAndQuery:
      return MayStayLiteral(c, EncodeSet::kPath) || c == '?';
    case EncodeSet::kUserinfo:
      return IsUnreserved(c) || IsSubDelim(c);
  }
  return false;
}

void AppendEscape(unsigned char c, std::string* out) {
  out->push_back('%');
  out->push_back(kHexDigits[c >> 4]);
  out->push_back(kHexDigits[c & 0xF]);
}

}  // namespace

std::string NormalizePercentEncoding(std::string_view text, EncodeSet keep) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '%') {
      const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = high >= 0 ? HexValue(text[i + 2]) : -1;
      if (low < 0) {
        AppendEscape('%', &out);  // a stray '%' is data, not the start of an escape
        continue;
      }
      const auto decoded = static_cast<unsigned char>(high * 16 + low);
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        AppendEscape(decoded, &out);
      }
      i += 2;
    } else if (MayStayLiteral(c, keep)) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEscape(c, &out);
    }
  }
  return out;
}

}  // namespace gleaner::crawler
