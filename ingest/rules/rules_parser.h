// Parses and validates a rules file. On any problem the result is
// InvalidArgument "FILE:LINE:COL: PATH: expected ..., got ..." (the first
// problem only) and *out is left untouched; IOError when the file can't be read.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "ingest/rules/rules_config.h"

namespace gleaner::rules {

Status ParseRulesFile(const std::string& path, RulesConfig* out);
// `display_name` is what errors call the file.
Status ParseRulesYaml(std::string_view text, const std::string& display_name, RulesConfig* out);

}  // namespace gleaner::rules
