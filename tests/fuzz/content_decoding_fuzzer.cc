// Content-Encoding decoding of a response body: any coding list and any bytes
// end decoded, too large or undecodable, never past the bound; "identity"
// changes nothing. Input: the Content-Encoding value, a newline, the body.
#include <string>

#include "crawler/fetch/content_decoding.h"
#include "tests/fuzz/fuzz_support.h"

using gleaner::crawler::ContentDecoding;
using gleaner::crawler::DecodeContent;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kMaxDecoded = 1 << 20;
  auto [coding, received] = gleaner::fuzz::SplitFirstLine(gleaner::fuzz::AsText(data, size));
  std::string body(received);
  const ContentDecoding decoding = DecodeContent(coding, kMaxDecoded, &body);
  if (decoding.outcome == ContentDecoding::kDecoded) {
    FUZZ_CHECK(body.size() <= kMaxDecoded, "decoded %zu bytes past the bound", body.size());
  }
  FUZZ_CHECK((decoding.outcome == ContentDecoding::kUndecodable) == !decoding.error.empty(),
             "an undecodable body must say why, and only then");

  std::string same(received);
  const ContentDecoding identity = DecodeContent("identity", kMaxDecoded, &same);
  FUZZ_CHECK(received.size() > kMaxDecoded || (identity.outcome == ContentDecoding::kDecoded &&
                                                same == received),
             "identity changed the body");
  return 0;
}
