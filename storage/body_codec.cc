#include "storage/body_codec.h"

#include <zstd.h>

namespace gleaner::storage {

std::string CompressBody(std::string_view body, int level) {
  std::string out(ZSTD_compressBound(body.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), body.data(), body.size(), level);
  // Compression into a buffer of compressBound size cannot fail.
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

Status DecompressBody(std::string_view compressed, size_t max_size, std::string* out) {
  unsigned long long size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::Corruption("page body is not a zstd frame");
  }
  if (size > max_size) {
    return Status::Corruption("page body claims " + std::to_string(size) + " bytes, over the " +
                              std::to_string(max_size) + " byte limit");
  }
  out->resize(size);
  size_t n = ZSTD_decompress(out->data(), out->size(), compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != size) {
    return Status::Corruption(std::string("page body does not decompress: ") +
                              (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
  }
  return Status::OK();
}

}  // namespace gleaner::storage
