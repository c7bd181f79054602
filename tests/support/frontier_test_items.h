// What the frontier tests push: an item for URL host + path, keyed to host:80.
#pragma once

#include <cstdint>
#include <string>

#include "schema/gleaner.pb.h"

namespace gleaner::testing {

inline v1::FrontierItem TestItem(const std::string& host, const std::string& path, uint32_t depth) {
  v1::FrontierItem item;
  item.set_url(host + path);
  item.set_host_key(host + ":80");
  item.set_depth(depth);
  return item;
}

}  // namespace gleaner::testing
