#include "common/curl_library.h"

#include <dlfcn.h>

#include <type_traits>

namespace gleaner {
namespace {

// dlerror() after a failed dlopen or dlsym: it names the file and the cause.
std::string LastDlError() {
  const char* error = dlerror();
  return error != nullptr ? error : "unknown dynamic linker error";
}

}  // namespace

Status CurlLibrary::Load(const std::string& file_name, std::unique_ptr<CurlLibrary>* out) {
  // RTLD_LOCAL: libcurl's symbols (and its dependencies') resolve nothing
  // else in the process. RTLD_NOW: a library too old for a function fails
  // here, with its name, rather than at the first call.
  void* handle = dlopen(file_name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Status::IOError("cannot load libcurl (" + file_name + "): " + LastDlError());
  }
  auto library = std::make_unique<CurlLibrary>();
  std::string missing;
  auto resolve = [&](const char* name, auto* function) {
    if (!missing.empty()) return;
    void* symbol = dlsym(handle, name);
    if (symbol == nullptr) {
      missing = name;
      return;
    }
    *function = reinterpret_cast<std::remove_pointer_t<decltype(function)>>(symbol);
  };
  resolve("curl_global_init", &library->global_init);
  resolve("curl_free", &library->free);
  resolve("curl_easy_init", &library->easy_init);
  resolve("curl_easy_cleanup", &library->easy_cleanup);
  resolve("curl_easy_reset", &library->easy_reset);
  resolve("curl_easy_setopt", &library->easy_setopt);
  resolve("curl_easy_getinfo", &library->easy_getinfo);
  resolve("curl_easy_perform", &library->easy_perform);
  resolve("curl_easy_strerror", &library->easy_strerror);
  resolve("curl_easy_escape", &library->easy_escape);
  resolve("curl_multi_init", &library->multi_init);
  resolve("curl_multi_cleanup", &library->multi_cleanup);
  resolve("curl_multi_setopt", &library->multi_setopt);
  resolve("curl_multi_add_handle", &library->multi_add_handle);
  resolve("curl_multi_remove_handle", &library->multi_remove_handle);
  resolve("curl_multi_socket_action", &library->multi_socket_action);
  resolve("curl_multi_info_read", &library->multi_info_read);
  resolve("curl_share_init", &library->share_init);
  resolve("curl_share_cleanup", &library->share_cleanup);
  resolve("curl_share_setopt", &library->share_setopt);
  resolve("curl_slist_append", &library->slist_append);
  resolve("curl_slist_free_all", &library->slist_free_all);
  resolve("curl_url", &library->url);
  resolve("curl_url_dup", &library->url_dup);
  resolve("curl_url_cleanup", &library->url_cleanup);
  resolve("curl_url_set", &library->url_set);
  resolve("curl_url_get", &library->url_get);
  resolve("curl_url_strerror", &library->url_strerror);
  if (!missing.empty()) {
    dlclose(handle);
    return Status::IOError("cannot load libcurl (" + file_name + "): it has no function " +
                           missing);
  }
  const CURLcode init = library->global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    dlclose(handle);
    return Status::IOError("cannot initialise libcurl (" + file_name + "): curl_global_init " +
                           "failed with code " + std::to_string(init));
  }
  *out = std::move(library);
  return Status::OK();
}

Status SharedCurl(const CurlLibrary** out) {
  struct Loaded {
    std::unique_ptr<CurlLibrary> library;
    Status status;
  };
  // Loaded once (a function-local static is initialised once, whichever
  // thread comes first) and never destroyed: threads may still fetch at exit.
  static const Loaded* const loaded = [] {
    auto* l = new Loaded;
    l->status = CurlLibrary::Load(CurlLibrary::kFileName, &l->library);
    return l;
  }();
  if (out != nullptr) *out = loaded->library.get();
  return loaded->status;
}

}  // namespace gleaner
