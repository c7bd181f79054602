#include "tools/html_report_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/report/drift_report.h"
#include "ingest/report/profile_report.h"

namespace gleaner::tools {
namespace {

Status WriteWhole(const std::string& path, const std::string& html) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument("--html " + path + ": is a directory; give a file name");
  }
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) {
    return Status::InvalidArgument("--html " + path + ": cannot write " + tmp + ": " +
                                   std::strerror(errno));
  }
  out.write(html.data(), static_cast<std::streamsize>(html.size()));
  out.close();
  if (!out) {
    std::remove(tmp.c_str());
    return Status::IOError("--html " + path + ": writing " + tmp + " failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::IOError("--html " + path + ": cannot rename " + tmp + " to it: " + why);
  }
  return Status::OK();
}

Status WritePage(const report::ReportPage& page, const std::string& path) {
  std::string html;
  GLEANER_RETURN_IF_ERROR(report::RenderPage(page, &html));
  return WriteWhole(path, html);
}

// The dataset's manifest.json, or null when it cannot be read: the report's
// header then names the directory only.
nlohmann::json ReadManifest(const std::string& dataset_dir) {
  std::ifstream in(dataset_dir + "/manifest.json", std::ios::binary);
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace

Status WriteProfileHtml(const std::string& dataset_dir, const nlohmann::json& summary,
                        const std::string& path) {
  report::ReportPage page;
  GLEANER_RETURN_IF_ERROR(
      report::BuildProfileReport(summary, ReadManifest(dataset_dir), dataset_dir, &page));
  return WritePage(page, path);
}

Status WriteDriftHtml(const nlohmann::ordered_json& drift, const std::string& path) {
  report::ReportPage page;
  GLEANER_RETURN_IF_ERROR(report::BuildDriftReport(drift, &page));
  return WritePage(page, path);
}

}  // namespace gleaner::tools
