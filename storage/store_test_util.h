// Test-only helpers shared by the storage unit tests and the `gleaner stage`
// integration tests: a listing of a directory tree (to prove a failing call
// created nothing), a builder for records, and a way to fake a store of
// another format version. (Scratch directories: tests/support/temp_dir.h.)
// Not thread-safe.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/gleaner.pb.h"

namespace gleaner::storage::testing {

// Every file and directory below `dir`, as paths relative to it; empty when
// `dir` does not exist.
std::set<std::string> ListTree(const std::string& dir);

// A record of `job` from `url` with one string field per name=value pair.
v1::Record MakeRecord(std::string_view job, std::string_view url, uint32_t index_in_page,
                      std::initializer_list<std::pair<std::string, std::string>> fields = {});

// Creates the store in `dir` if needed, then overwrites the format_version
// key of its meta family (storage/README.md) with `version`, as an older or
// newer gleaner would have left it.
Status WriteFormatVersion(const std::string& dir, const std::string& version);

// Turns the closed store in `dir` into one of format version 1, as a gleaner
// before runs left it: drops the runs family and writes version 1. Its jobs
// should have been written without runs (JobWriter::AddRecord, run number 0).
Status DowngradeToVersion1(const std::string& dir);

// A record as the crawler makes it: content_hash set from its fields.
v1::Record MakeHashedRecord(std::string_view job, std::string_view url, uint32_t index_in_page,
                            std::string_view content);

}  // namespace gleaner::storage::testing
