#include "storage/store_test_util.h"

#include <rocksdb/db.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

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

Status DowngradeToVersion1(const std::string& dir) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
  if (!s.ok()) return Status::IOError(s.ToString());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, families, &handles, &raw);
  if (!s.ok()) return Status::IOError(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < names.size() && s.ok(); ++i) {
    if (names[i] == FamilyName(Family::kRuns)) s = db->DropColumnFamily(handles[i]);
    if (names[i] == FamilyName(Family::kMeta)) {
      s = db->Put(rocksdb::WriteOptions(), handles[i], "format_version", "1");
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  if (s.ok()) s = db->Close();
  return s.ok() ? Status::OK() : Status::IOError(s.ToString());
}

v1::Record MakeHashedRecord(std::string_view job, std::string_view url, uint32_t index_in_page,
                            std::string_view content) {
  v1::Record r = MakeRecord(job, url, index_in_page, {{"content", std::string(content)}});
  r.set_content_hash(std::hash<std::string_view>()(content));
  return r;
}

}  // namespace gleaner::storage::testing
