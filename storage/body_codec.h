// zstd compression of page bodies as the store keeps them. Stateless and
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gleaner::storage {

std::string CompressBody(std::string_view body, int level = 3);
// Refuses frames that would expand beyond max_size bytes.
Status DecompressBody(std::string_view compressed, size_t max_size, std::string* out);

}  // namespace gleaner::storage
