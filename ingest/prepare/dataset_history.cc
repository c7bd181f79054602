#include "ingest/prepare/dataset_history.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace gleaner::prepare {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIndexFile = "index.json";

// A version as DatasetVersion writes it; anything else in an index (a path,
// "..") is not followed.
bool IsVersion(const std::string& text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status ReadJson(const std::string& path, nlohmann::json* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + " not found");
  std::ostringstream text;
  text << in.rdbuf();
  *out = nlohmann::json::parse(text.str(), nullptr, false);
  if (out->is_discarded()) return Status::Corruption(path + ": not JSON");
  return Status::OK();
}

// The versions history/index.json of `dataset_dir` lists whose entries are
// there, oldest first; none when it has no history.
std::vector<std::string> ReadIndex(const std::string& dataset_dir) {
  const fs::path history = fs::path(dataset_dir) / kHistoryDir;
  nlohmann::json index;
  std::vector<std::string> versions;
  if (!ReadJson((history / kIndexFile).string(), &index).ok() || !index.is_array()) {
    return versions;
  }
  std::error_code ec;
  for (const nlohmann::json& v : index) {
    if (v.is_string() && IsVersion(v.get<std::string>()) &&
        fs::is_directory(history / v.get<std::string>(), ec)) {
      versions.push_back(v.get<std::string>());
    }
  }
  return versions;
}

Status CopyEntry(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Status::IOError("creating " + to.string() + ": " + ec.message());
  for (const char* file : kHistoryFiles) {
    if (!fs::exists(from / file, ec)) continue;
    // A published file is never written again, so the new dataset may share
    // it: a link costs nothing whatever the profiles weigh. Copied where the
    // file system has no hard links.
    fs::create_hard_link(from / file, to / file, ec);
    if (ec) fs::copy_file(from / file, to / file, fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IOError("copying " + (from / file).string() + ": " + ec.message());
  }
  return Status::OK();
}

}  // namespace

Status ReadDatasetVersion(const std::string& dataset_dir, std::string* version) {
  const std::string path = (fs::path(dataset_dir) / "manifest.json").string();
  nlohmann::json manifest;
  GLEANER_RETURN_IF_ERROR(ReadJson(path, &manifest));
  if (!manifest.is_object() || !manifest["version"].is_string()) {
    return Status::Corruption(path + ": no version");
  }
  *version = manifest["version"].get<std::string>();
  return Status::OK();
}

Status CarryHistory(const std::string& out_dir, const std::string& new_dir,
                    const std::string& new_version, const std::string& pinned) {
  // The first version at out_dir, or one whose manifest says no version (not
  // one gleaner wrote, yet replaceable as before): nothing to carry.
  std::string replaced;
  if (!ReadDatasetVersion(out_dir, &replaced).ok() || !IsVersion(replaced)) return Status::OK();
  std::vector<std::string> versions = ReadIndex(out_dir);
  std::erase(versions, replaced);
  versions.push_back(replaced);
  std::erase(versions, new_version);
  // The newest kHistoryKeep, and the pinned one besides.
  size_t unpinned = versions.size() - std::count(versions.begin(), versions.end(), pinned);
  for (auto it = versions.begin(); unpinned > kHistoryKeep && it != versions.end();) {
    if (*it == pinned) {
      ++it;
    } else {
      it = versions.erase(it);
      --unpinned;
    }
  }
  const fs::path from = fs::path(out_dir) / kHistoryDir;
  const fs::path to = fs::path(new_dir) / kHistoryDir;
  for (const std::string& v : versions) {
    GLEANER_RETURN_IF_ERROR(CopyEntry(v == replaced ? fs::path(out_dir) : from / v, to / v));
  }
  std::error_code ec;
  fs::create_directories(to, ec);
  std::ofstream index(to / kIndexFile, std::ios::binary | std::ios::trunc);
  index << nlohmann::json(versions).dump() << '\n';
  index.close();
  if (!index) return Status::IOError("writing " + (to / kIndexFile).string());
  return Status::OK();
}

Status FindVersion(const std::string& out_dir, const std::string& version, std::string* dir) {
  std::string current;
  if (ReadDatasetVersion(out_dir, &current).ok() && current == version) {
    *dir = out_dir;
    return Status::OK();
  }
  const std::vector<std::string> versions = ReadIndex(out_dir);
  if (IsVersion(version) &&
      std::find(versions.begin(), versions.end(), version) != versions.end()) {
    *dir = (fs::path(out_dir) / kHistoryDir / version).string();
    return Status::OK();
  }
  std::string known = current.empty() ? "" : current + " (published)";
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    known += (known.empty() ? "" : ", ") + *it;
  }
  return Status::NotFound(
      "version " + version + " is not the dataset at " + out_dir + " nor in its history (" +
      (known.empty() ? std::string("no dataset there yet") : "it has " + known) + ")");
}

}  // namespace gleaner::prepare
