// DecodeContent: undoes an HTTP response's Content-Encoding (RFC 9110 section
// 8.4) over the whole body at once, after the transfer: gzip and deflate with
// libdeflate in one call over the buffer (its output sized from the gzip
// trailer), br and zstd with their libraries' streaming decoders. HttpFetcher
// uses it instead of libcurl's decoders, which inflate a page in 16 KiB steps
// through zlib at twice the instructions. Bounded: no decoding ever holds more
// than max_decoded_bytes of output (a compression bomb fails as too large).
// Pure function of its arguments; thread-safe (each thread keeps one libdeflate
// decompressor).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gleaner::crawler {

struct ContentDecoding {
  enum Outcome {
    kDecoded,      // *body holds the decoded bytes
    kTooLarge,     // the decoded body would exceed max_decoded_bytes
    kUndecodable,  // an unknown coding, or bytes that are not what it names
  };
  Outcome outcome = kDecoded;
  std::string error;  // why, when kUndecodable: names the coding
};

// The codings DecodeContent undoes, as an Accept-Encoding value.
inline constexpr char kDecodableCodings[] = "gzip, deflate, br, zstd";

// Replaces *body, the bytes as received, by their decoding under the codings
// that `content_encoding` lists in the order applied ("gzip", "br, gzip";
// names ASCII case-insensitive; "identity" and "" change nothing). On failure
// *body is left unspecified.
ContentDecoding DecodeContent(std::string_view content_encoding, size_t max_decoded_bytes,
                              std::string* body);

}  // namespace gleaner::crawler
