#include "crawler/fetch/content_decoding.h"

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include <catch2/catch.hpp>
#include <string>

namespace gleaner::crawler {
namespace {

// The encoders are zlib's, Brotli's and zstd's own, independent of libdeflate.
std::string Zlib(const std::string& in, int window_bits) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
std::string Gzip(const std::string& in) { return Zlib(in, 31); }
std::string ZlibDeflate(const std::string& in) { return Zlib(in, 15); }
std::string RawDeflate(const std::string& in) { return Zlib(in, -15); }

std::string Brotli(const std::string& in) {
  size_t size = BrotliEncoderMaxCompressedSize(in.size());
  std::string out(size, '\0');
  REQUIRE(BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, in.size(),
                                reinterpret_cast<const uint8_t*>(in.data()), &size,
                                reinterpret_cast<uint8_t*>(out.data())));
  out.resize(size);
  return out;
}

std::string Zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string Page() {
  std::string page;
  for (int i = 0; i < 2000; ++i) page += "<p>row " + std::to_string(i * 7919 % 1000) + "</p>\n";
  return page;
}

TEST_CASE("a body is decoded under every coding curl offers, stacked ones in reverse") {
  const std::string page = Page();
  const std::pair<std::string, std::string> encoded[] = {
      {"gzip", Gzip(page)},
      {"X-Gzip", Gzip(page)},
      {"deflate", ZlibDeflate(page)},
      {"deflate", RawDeflate(page)},  // some servers send raw
      {"br", Brotli(page)},
      {"zstd", Zstd(page)},
      {"identity", page},
      {"", page},
      {"deflate, br", Brotli(ZlibDeflate(page))}};
  for (const auto& [coding, bytes] : encoded) {
    INFO(coding);
    std::string body = bytes;
    const ContentDecoding decoding = DecodeContent(coding, page.size(), &body);
    CHECK(decoding.outcome == ContentDecoding::kDecoded);
    CHECK(body == page);
  }
}

TEST_CASE(
    "a compression bomb fails as too large under every coding, whatever its gzip trailer says") {
  const std::string zeros(1 << 20, '\0');
  std::string lying_gzip = Gzip(zeros);
  lying_gzip[lying_gzip.size() - 3] = 0;  // claims 0 bytes (mod 2^32) instead of 1 MiB
  lying_gzip[lying_gzip.size() - 2] = 0;
  const std::pair<std::string, std::string> bombs[] = {
      {"gzip", Gzip(zeros)}, {"gzip", lying_gzip},  {"deflate", ZlibDeflate(zeros)},
      {"br", Brotli(zeros)}, {"zstd", Zstd(zeros)}, {"identity", zeros}};
  for (const auto& [coding, bytes] : bombs) {
    INFO(coding);
    std::string body = bytes;
    CHECK(DecodeContent(coding, 64 << 10, &body).outcome == ContentDecoding::kTooLarge);
  }
}

TEST_CASE("a corrupt body or an unknown coding is undecodable, naming the coding") {
  const std::string page = Page();
  std::string truncated = Zstd(page);
  truncated.resize(truncated.size() / 2);
  std::string body = truncated;
  ContentDecoding decoding = DecodeContent("zstd", 1 << 20, &body);
  CHECK(decoding.outcome == ContentDecoding::kUndecodable);
  CHECK(decoding.error == "body is not valid zstd");

  std::string bad_crc = Gzip(page);
  bad_crc[bad_crc.size() - 8] ^= 0x55;  // the trailer's CRC-32 of the decoded bytes
  body = bad_crc;
  decoding = DecodeContent("gzip", 1 << 20, &body);
  CHECK(decoding.outcome == ContentDecoding::kUndecodable);
  CHECK(decoding.error == "body is not valid gzip");

  body = page;
  decoding = DecodeContent("compress", 1 << 20, &body);
  CHECK(decoding.outcome == ContentDecoding::kUndecodable);
  CHECK(decoding.error == "unsupported Content-Encoding 'compress'");
}

}  // namespace
}  // namespace gleaner::crawler
