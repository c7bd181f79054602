#include "ingest/rules/rules_config.h"

namespace gleaner::rules {

std::string_view FieldTypeName(const FieldRule& field) {
  for (const auto& [word, declared] : kTypeWords) {
    if (declared.type == field.type && declared.categorical == field.categorical) return word;
  }
  return "string";
}

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kDrop:
      return "drop";
    case Severity::kWarn:
      return "warn";
    case Severity::kFail:
      return "fail";
  }
  return "drop";
}

const char* OutlierMethodName(OutlierMethod method) {
  switch (method) {
    case OutlierMethod::kZScore:
      return "zscore";
    case OutlierMethod::kMad:
      return "mad";
    case OutlierMethod::kIqr:
      return "iqr";
    case OutlierMethod::kPercentile:
      return "percentile";
  }
  return "iqr";
}

}  // namespace gleaner::rules
