// FromRocks: the one translation of a RocksDB status into Gleaner's Status,
// shared by every reader and writer of the store so that damage is always
// reported as Corruption (never as "not found" or an empty result) and a held
// LOCK always as the store being in use. Stateless; safe from any thread.
#pragma once

#include <string_view>

#include "common/status.h"

namespace rocksdb {
class Status;
}

namespace gleaner::storage {

// `what` says what was being done ("scanning records in STORE_DIR"); it
// prefixes RocksDB's own message, which names the damaged file when there is one.
Status FromRocks(const rocksdb::Status& s, std::string_view what);

}  // namespace gleaner::storage
