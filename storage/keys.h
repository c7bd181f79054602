// Key encoding of the staging store (layout documented in storage/README.md).
// Every per-job key starts with the job name and a NUL, so a prefix scan over
// "<job>\0" visits exactly that job's rows; sequence numbers are 8-byte
// big-endian so byte order equals insertion order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/coding.h"
#include "common/status.h"

namespace gleaner::storage {

// Job names are identifiers users type: 1-128 of [A-Za-z0-9_.-].
Status ValidateJobName(std::string_view job);

std::string JobPrefix(std::string_view job);             // "<job>\0"
std::string SeqKey(std::string_view job, uint64_t seq);  // "<job>\0<seq BE>"
bool DecodeSeqKey(std::string_view key, std::string_view job, uint64_t* seq);

// URL index: "<job>\0<url>\0r<index BE32>" -> record seq, "<job>\0<url>\0p" -> page seq,
// "<job>\0<url>\0m" -> v1.UrlState; with recrawl.remove_unlinked also
// "<job>\0<url>\0l" -> v1.PageLinks (the page's links) and
// "<job>\0<url>\0k" -> run BE32 (the last run a page linked to the URL).
std::string UrlPrefix(std::string_view job, std::string_view url_prefix);
std::string UrlRecordKey(std::string_view job, std::string_view url, uint32_t index_in_page);
std::string UrlPageKey(std::string_view job, std::string_view url);
std::string UrlStateKey(std::string_view job, std::string_view url);
std::string UrlLinksKey(std::string_view job, std::string_view url);
std::string UrlLinkedKey(std::string_view job, std::string_view url);
// The tag byte of a urls-family key ('r', 'p', 'm', 'l' or 'k'), or 0 when
// `key` is none of those shapes.
char UrlKeyTag(std::string_view key);

// Runs: "<job>\0<run BE32>" -> v1.CrawlRun.
std::string RunKey(std::string_view job, uint32_t run);

}  // namespace gleaner::storage
