#include "ingest/rules/rules_config.h"

namespace gleaner::rules {

std::string_view FieldTypeName(const FieldRule& field) {
  for (const auto& [word, declared] : kTypeWords) {
    if (declared.type == field.type && declared.categorical == field.categorical) return word;
  }
  return "string";
}

const char* SeverityName(Severity severity) { return WordOf(kSeverityWords, severity); }

const char* OutlierMethodName(OutlierMethod method) { return WordOf(kOutlierMethodWords, method); }

}  // namespace gleaner::rules
