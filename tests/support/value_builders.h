// One-line builders of v1::Value for tests: Str("x"), Int(3), Dbl(0.5),
// Bool(true), Ts(micros), Null(). Header-only; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "schema/gleaner.pb.h"

namespace gleaner::testing {

inline v1::Value Str(std::string s) {
  v1::Value v;
  v.set_string_value(std::move(s));
  return v;
}
inline v1::Value Int(int64_t i) {
  v1::Value v;
  v.set_int_value(i);
  return v;
}
inline v1::Value Dbl(double d) {
  v1::Value v;
  v.set_double_value(d);
  return v;
}
inline v1::Value Bool(bool b) {
  v1::Value v;
  v.set_bool_value(b);
  return v;
}
inline v1::Value Ts(int64_t micros) {
  v1::Value v;
  v.set_timestamp_micros(micros);
  return v;
}
inline v1::Value Null() { return v1::Value(); }

}  // namespace gleaner::testing
