// A job source's extraction spec as a few text lines, so one fuzz input can
// carry both a spec and the page it is applied to without going through the
// job YAML parser (which has its own fuzzer). Shared by the extraction
// fuzzers, which read specs, and the seed maker, which writes them from
// configs/jobs. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "crawler/job/job_config.h"

namespace gleaner::fuzz {

// One directive per line, then an empty line, then the page or body:
//   html:  follow SEL | when SEL | list SEL | field NAME TAKE SEL | regex RE | all |
//          exclude SEL (TAKE is text, raw, inner, count or attr=NAME; regex, all
//          and exclude apply to the last field, exclude once per selector)
//   json:  records PATH | field NAME PATH | next PATH | cursor PATH
// Unknown lines are skipped. Returns the bytes after the empty line (all of
// `input` when there is none).
std::string_view ReadHtmlSpec(std::string_view input, crawler::SourceSpec* source);
std::string_view ReadJsonSpec(std::string_view input, crawler::SourceSpec* source);

// The spec lines of `source` followed by the empty line, as the readers take them.
std::string WriteHtmlSpec(const crawler::SourceSpec& source);
std::string WriteJsonSpec(const crawler::SourceSpec& source);

}  // namespace gleaner::fuzz
