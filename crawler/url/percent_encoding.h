// Percent-encoding normalisation (RFC 3986 section 6.2.2): the one place that
// decides how bytes of a URL are spelled, shared by the URL normaliser and by
// robots.txt matching so both compare URLs in the same form. Pure functions of
// their input; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace gleaner::crawler {

// Which bytes a piece of text may keep literally; every other byte is
// percent-encoded.
enum class EncodeSet {
  // A whole URL before it is parsed: only space, control bytes and DEL are
  // encoded, so delimiters keep their meaning and non-ASCII hosts stay
  // readable for IDN conversion.
  kSpaceAndControls,
  // A path: RFC 3986 pchar plus '/'.
  kPath,
  // A query, or a path and query as robots.txt rules match them: kPath plus '?'.
  kPathAndQuery,
  // A user name or password: RFC 3986 unreserved and sub-delims (':', which
  // separates the two, is encoded).
  kUserinfo,
};

// Returns `text` with percent-encoded unreserved characters (A-Z a-z 0-9 - . _ ~)
// decoded, the hex digits of every other escape upper-cased, a '%' that does
// not start a valid escape encoded as %25, and each byte outside `keep`
// encoded as %XX. Idempotent.
std::string NormalizePercentEncoding(std::string_view text, EncodeSet keep);

}  // namespace gleaner::crawler
