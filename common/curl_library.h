// CurlLibrary: the libcurl functions Gleaner calls, resolved at run time from
// the shared library (dlopen), so that only a process that really fetches or
// parses a URL maps libcurl and the ~30 libraries it pulls in (TLS, LDAP,
// Kerberos, SSH...): linked, relocating them was most of every start of
// `gleaner` and of each test executable. Include <curl/curl.h> for types and
// constants only and call through the table: `curl.easy_setopt(...)` is called
// as `curl_easy_setopt(...)` is. A loaded library is never unloaded, so its
// functions stay valid until the process exits; calling them is as
// thread-safe as libcurl says.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace gleaner {

struct CurlLibrary {
  // The file name the process's libcurl is loaded from (the soname it links).
  static constexpr const char* kFileName = "libcurl.so.4";

  // Loads `file_name` (a bare name is searched as the dynamic linker does),
  // resolves every function below and runs curl_global_init. A library that
  // does not load, or lacks one of the functions, is an IOError naming it
  // (and the function); nothing stays loaded then.
  static Status Load(const std::string& file_name, std::unique_ptr<CurlLibrary>* out);

  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_free) free = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_easy_escape) easy_escape = nullptr;
  decltype(&::curl_multi_init) multi_init = nullptr;
  decltype(&::curl_multi_cleanup) multi_cleanup = nullptr;
  decltype(&::curl_multi_setopt) multi_setopt = nullptr;
  decltype(&::curl_multi_add_handle) multi_add_handle = nullptr;
  decltype(&::curl_multi_remove_handle) multi_remove_handle = nullptr;
  decltype(&::curl_multi_socket_action) multi_socket_action = nullptr;
  decltype(&::curl_multi_info_read) multi_info_read = nullptr;
  decltype(&::curl_share_init) share_init = nullptr;
  decltype(&::curl_share_cleanup) share_cleanup = nullptr;
  decltype(&::curl_share_setopt) share_setopt = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  decltype(&::curl_url) url = nullptr;
  decltype(&::curl_url_dup) url_dup = nullptr;
  decltype(&::curl_url_cleanup) url_cleanup = nullptr;
  decltype(&::curl_url_set) url_set = nullptr;
  decltype(&::curl_url_get) url_get = nullptr;
  decltype(&::curl_url_strerror) url_strerror = nullptr;
};

// The process's libcurl (CurlLibrary::kFileName), loaded by the first call
// from any thread, once; every later call gives the same library, or the same
// error. `out` may be null to only learn whether it loads.
Status SharedCurl(const CurlLibrary** out);

}  // namespace gleaner
