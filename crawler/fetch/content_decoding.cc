#include "crawler/fetch/content_decoding.h"

#include <brotli/decode.h>
#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

namespace gleaner::crawler {
namespace {

using Outcome = ContentDecoding::Outcome;

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The codings of a Content-Encoding value, lower case, in the order applied.
std::vector<std::string> Codings(std::string_view value) {
  std::vector<std::string> codings;
  while (!value.empty()) {
    const size_t comma = std::min(value.find(','), value.size());
    std::string_view coding = value.substr(0, comma);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) {
      coding.remove_prefix(1);
    }
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) {
      coding.remove_suffix(1);
    }
    if (!coding.empty()) codings.push_back(AsciiLower(coding));
    value.remove_prefix(std::min(comma + 1, value.size()));
  }
  return codings;
}

libdeflate_decompressor* ThreadDecompressor() {
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Free> decompressor(
      libdeflate_alloc_decompressor());
  return decompressor.get();
}

// One of libdeflate's whole-buffer decoders.
using WholeDecoder = libdeflate_result (*)(libdeflate_decompressor*, const void*, size_t, void*, size_t,
                                      size_t*);

// Inflates `in` into *out with a buffer of `guess` bytes, doubled while too
// small, up to max bytes.
Outcome InflateWhole(WholeDecoder inflate, std::string_view in, size_t guess, size_t max,
                     std::string* out) {
  libdeflate_decompressor* decompressor = ThreadDecompressor();
  if (decompressor == nullptr) throw std::bad_alloc();
  size_t capacity = std::min(std::max<size_t>(guess, 4096), max);  // doubling must grow
  for (;;) {
    out->resize(capacity);
    size_t length = 0;
    const libdeflate_result result =
        inflate(decompressor, in.data(), in.size(), out->data(), out->size(), &length);
    if (result == LIBDEFLATE_SUCCESS) {
      out->resize(length);
      return Outcome::kDecoded;
    }
    if (result != LIBDEFLATE_INSUFFICIENT_SPACE) return Outcome::kUndecodable;
    if (capacity >= max) return Outcome::kTooLarge;
    capacity = capacity > max / 2 ? max : capacity * 2;
  }
}

Outcome Gunzip(std::string_view in, size_t max, std::string* out) {
  // The trailer's last 4 bytes: the decoded size modulo 2^32. A valid stream
  // is at least that long, so a size over max is a bomb without inflating it.
  if (in.size() < 18) return Outcome::kUndecodable;
  const auto* trailer = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
  const uint32_t size_mod_2_32 = static_cast<uint32_t>(trailer[0]) | trailer[1] << 8 |
                                 trailer[2] << 16 | static_cast<uint32_t>(trailer[3]) << 24;
  if (size_mod_2_32 > max) return Outcome::kTooLarge;
  return InflateWhole(libdeflate_gzip_decompress, in, size_mod_2_32, max, out);
}

// "deflate" is the zlib format; some servers send raw deflate, which curl
// accepted too.
Outcome Undeflate(std::string_view in, size_t max, std::string* out) {
  const size_t guess = in.size() * 4 + 4096;
  const Outcome zlib = InflateWhole(libdeflate_zlib_decompress, in, guess, max, out);
  if (zlib != Outcome::kUndecodable) return zlib;
  return InflateWhole(libdeflate_deflate_decompress, in, guess, max, out);
}

constexpr size_t kStreamStep = 64 << 10;

Outcome Unzstd(std::string_view in, size_t max, std::string* out) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (context == nullptr) throw std::bad_alloc();
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  out->clear();
  size_t pending = 1;  // 0 once a frame is complete and flushed
  while (input.pos < input.size || pending != 0) {
    const size_t used = out->size();
    if (used >= max + 1) return Outcome::kTooLarge;
    out->resize(std::min(used + kStreamStep, max + 1));
    ZSTD_outBuffer output{out->data() + used, out->size() - used, 0};
    pending = ZSTD_decompressStream(context.get(), &output, &input);
    out->resize(used + output.pos);
    if (ZSTD_isError(pending)) return Outcome::kUndecodable;
    if (output.pos == 0 && input.pos == input.size && pending != 0) {
      return Outcome::kUndecodable;  // truncated: more wanted, none left
    }
  }
  return out->size() > max ? Outcome::kTooLarge : Outcome::kDecoded;
}

Outcome Unbrotli(std::string_view in, size_t max, std::string* out) {
  std::unique_ptr<BrotliDecoderState, decltype(&BrotliDecoderDestroyInstance)> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
  if (state == nullptr) throw std::bad_alloc();
  size_t available_in = in.size();
  const auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
  out->clear();
  for (;;) {
    const size_t used = out->size();
    if (used >= max + 1) return Outcome::kTooLarge;
    out->resize(std::min(used + kStreamStep, max + 1));
    size_t available_out = out->size() - used;
    auto* next_out = reinterpret_cast<uint8_t*>(out->data() + used);
    const BrotliDecoderResult result = BrotliDecoderDecompressStream(
        state.get(), &available_in, &next_in, &available_out, &next_out, nullptr);
    out->resize(out->size() - available_out);
    if (result == BROTLI_DECODER_RESULT_SUCCESS) {
      return out->size() > max ? Outcome::kTooLarge : Outcome::kDecoded;
    }
    if (result != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) return Outcome::kUndecodable;
  }
}

}  // namespace

ContentDecoding DecodeContent(std::string_view content_encoding, size_t max_decoded_bytes,
                              std::string* body) {
  ContentDecoding decoding;
  const std::vector<std::string> codings = Codings(content_encoding);
  std::string decoded;
  for (auto coding = codings.rbegin(); coding != codings.rend(); ++coding) {
    Outcome outcome = Outcome::kDecoded;
    if (*coding == "identity") continue;
    if (*coding == "gzip" || *coding == "x-gzip") {
      outcome = Gunzip(*body, max_decoded_bytes, &decoded);
    } else if (*coding == "deflate") {
      outcome = Undeflate(*body, max_decoded_bytes, &decoded);
    } else if (*coding == "br") {
      outcome = Unbrotli(*body, max_decoded_bytes, &decoded);
    } else if (*coding == "zstd") {
      outcome = Unzstd(*body, max_decoded_bytes, &decoded);
    } else {
      decoding.outcome = Outcome::kUndecodable;
      decoding.error = "unsupported Content-Encoding '" + *coding + "'";
      return decoding;
    }
    if (outcome != Outcome::kDecoded) {
      decoding.outcome = outcome;
      if (outcome == Outcome::kUndecodable) decoding.error = "body is not valid " + *coding;
      return decoding;
    }
    body->swap(decoded);
  }
  if (body->size() > max_decoded_bytes) decoding.outcome = Outcome::kTooLarge;
  return decoding;
}

}  // namespace gleaner::crawler
