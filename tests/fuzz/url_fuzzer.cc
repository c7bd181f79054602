// URL normalisation and link resolution. Input: a base URL, a newline, an href.
// Properties: the normal form is a fixed point (normalising it again changes
// nothing), a resolved link is in normal form, LinkResolver gives what
// ResolveUrl gives, and the parts NormalizedUrl carries are those HostKey and
// PathAndQuery derive from the normal form.
#include <string>

#include "crawler/url/url_normalizer.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace gleaner::crawler;

void CheckNormalForm(const std::string& url, const char* origin) {
  NormalizedUrl again;
  gleaner::Status s = NormalizeUrl(url, NormalizeOptions{}, &again);
  FUZZ_CHECK(s.ok(), "%s '%s' does not normalise: %s", origin, url.c_str(), s.ToString().c_str());
  FUZZ_CHECK(again.url == url, "%s '%s' is not in normal form: it normalises to '%s'", origin,
             url.c_str(), again.url.c_str());
  FUZZ_CHECK(again.host_key == HostKey(url), "host_key '%s' != HostKey '%s'",
             again.host_key.c_str(), HostKey(url).c_str());
  FUZZ_CHECK(again.path_and_query == PathAndQuery(url), "path_and_query '%s' != PathAndQuery '%s'",
             again.path_and_query.c_str(), PathAndQuery(url).c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [base, ref] = gleaner::fuzz::SplitFirstLine(gleaner::fuzz::AsText(data, size));

  std::string normalized;
  if (NormalizeUrl(base, NormalizeOptions{}, &normalized).ok()) {
    CheckNormalForm(normalized, "NormalizeUrl's result");
  }

  std::string resolved;
  gleaner::Status by_function = ResolveUrl(base, ref, NormalizeOptions{}, &resolved);
  if (by_function.ok()) CheckNormalForm(resolved, "ResolveUrl's result");

  LinkResolver resolver;
  if (LinkResolver::Make(base, NormalizeOptions{}, &resolver).ok()) {
    NormalizedUrl by_resolver;
    gleaner::Status s = resolver.Resolve(ref, &by_resolver);
    FUZZ_CHECK(s.ok() == by_function.ok(), "LinkResolver says '%s', ResolveUrl says '%s'",
               s.ToString().c_str(), by_function.ToString().c_str());
    if (s.ok()) {
      FUZZ_CHECK(by_resolver.url == resolved, "LinkResolver gives '%s', ResolveUrl '%s'",
                 by_resolver.url.c_str(), resolved.c_str());
    }
  }
  return 0;
}
