#include "storage/store_test_util.h"

#include <rocksdb/db.h>

#include <filesystem>
#include <memory>

#include "storage/staging_store.h"

namespace gleaner::storage::testing {
namespace fs = std::filesystem;

std::set<std::string> ListTree(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    out.insert(fs::relative(entry.path(), dir).string());
  }
  return out;
}

v1::Record MakeRecord(std::string_view job, std::string_view url, uint32_t index_in_page,
                      std::initializer_list<std::pair<std::string, std::string>> fields) {
  v1::Record r;
  r.set_job(std::string(job));
  r.set_source_url(std::string(url));
  r.set_index_in_page(index_in_page);
  for (const auto& [name, value] : fields) {
    v1::Field* f = r.add_fields();
    f->set_name(name);
    f->mutable_value()->set_string_value(value);
  }
  return r;
}

Status WriteFormatVersion(const std::string& dir, const std::string& version) {
  std::unique_ptr<StagingStore> store;
  GLEANER_RETURN_IF_ERROR(StagingStore::OpenPrimary(dir, StagingStore::Options(), &store));
  rocksdb::Status s = store->db()->Put(rocksdb::WriteOptions(), store->handle(Family::kMeta),
                                       "format_version", version);
  return s.ok() ? Status::OK() : Status::IOError(s.ToString());
}

}  // namespace gleaner::storage::testing
