#include "crawler/extract/json_extractor.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "common/json_nesting.h"

namespace gleaner::crawler {
namespace {

// Source key order is kept so whole-record fields come out as the API wrote them.
using Json = nlohmann::ordered_json;

std::string CompactDump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void SetTypedValue(const Json& json, v1::Value* value) {
  switch (json.type()) {
    case Json::value_t::number_integer:
      value->set_int_value(json.get<int64_t>());
      break;
    case Json::value_t::number_unsigned: {
      const auto number = json.get<uint64_t>();
      if (number <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        value->set_int_value(static_cast<int64_t>(number));
      } else {
        value->set_string_value(std::to_string(number));
      }
      break;
    }
    case Json::value_t::number_float:
      value->set_double_value(json.get<double>());
      break;
    case Json::value_t::string:
      value->set_string_value(json.get_ref<const std::string&>());
      break;
    case Json::value_t::boolean:
      value->set_bool_value(json.get<bool>());
      break;
    case Json::value_t::object:
    case Json::value_t::array:
      value->set_json_value(CompactDump(json));
      break;
    default:  // null, discarded, binary
      break;
  }
}

std::optional<std::string> FirstNonEmptyText(const JsonPath& path, const Json& document,
                                             bool numbers_too) {
  std::vector<const Json*> found = path.Evaluate(document);
  if (found.empty()) return std::nullopt;
  const Json& value = *found.front();
  if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
    return value.get<std::string>();
  }
  if (numbers_too && value.is_number()) return CompactDump(value);
  return std::nullopt;
}

Status CompilePath(std::string_view text, std::string_view role, JsonPath* out) {
  return JsonPath::Parse(text, out).Annotate(role);
}

}  // namespace

Status JsonExtractor::Compile(const ExtractSpec& source, std::unique_ptr<JsonExtractor>* out) {
  if (source.kind != ExtractSpec::Kind::kJson) {
    return Status::InvalidArgument("json extractor: the source is not of kind json");
  }
  std::unique_ptr<JsonExtractor> extractor(new JsonExtractor());
  GLEANER_RETURN_IF_ERROR(CompilePath(source.records_path, "records", &extractor->records_path_));
  for (const JsonFieldSpec& spec : source.json_fields) {
    CompiledField field{spec.name, {}};
    GLEANER_RETURN_IF_ERROR(CompilePath(spec.path, "field '" + spec.name + "'", &field.path));
    extractor->fields_.push_back(std::move(field));
  }
  const Pagination& paginate = source.paginate;
  if (paginate.kind == PaginationKind::kNextLink) {
    GLEANER_RETURN_IF_ERROR(
        CompilePath(paginate.next_path, "paginate next", &extractor->next_path_.emplace()));
  }
  if (paginate.kind == PaginationKind::kCursor) {
    GLEANER_RETURN_IF_ERROR(
        CompilePath(paginate.cursor_path, "paginate cursor", &extractor->cursor_path_.emplace()));
  }
  *out = std::move(extractor);
  return Status::OK();
}

Status JsonExtractor::Extract(std::string_view body, JsonExtraction* out) const {
  *out = JsonExtraction();
  // Measured before parsing: the walks below (and dump) recurse once per level.
  if (JsonNestingDepth(body, kMaxJsonNesting) > kMaxJsonNesting) {
    return Status::InvalidArgument("JSON nested more than " + std::to_string(kMaxJsonNesting) +
                                   " levels deep; the response was not parsed");
  }
  Json document;
  try {
    document = Json::parse(body);
  } catch (const Json::parse_error& e) {
    return Status::InvalidArgument("invalid JSON at byte " + std::to_string(e.byte) + ": " +
                                   e.what());
  } catch (const Json::exception& e) {
    // Valid syntax the parser still refuses, e.g. a number beyond a double's
    // range (out_of_range.406): any site can send one, so it must not escape.
    return Status::InvalidArgument(std::string("unparsable JSON: ") + e.what());
  }

  std::vector<const Json*> records;
  for (const Json* found : records_path_.Evaluate(document)) {
    if (found->is_array()) {
      for (const Json& element : *found) records.push_back(&element);
    } else {
      records.push_back(found);
    }
  }

  for (const Json* record : records) {
    std::vector<v1::Field>& fields = out->records.emplace_back();
    if (!fields_.empty()) {
      for (const CompiledField& spec : fields_) {
        v1::Field& field = fields.emplace_back();
        field.set_name(spec.name);
        std::vector<const Json*> values = spec.path.Evaluate(*record);
        if (values.size() == 1) {
          SetTypedValue(*values.front(), field.mutable_value());
        } else if (values.size() > 1) {
          Json array = Json::array();
          for (const Json* value : values) array.push_back(*value);
          field.mutable_value()->set_json_value(CompactDump(array));
        }
      }
    } else if (record->is_object()) {
      for (const auto& [key, value] : record->items()) {
        v1::Field& field = fields.emplace_back();
        field.set_name(key);
        SetTypedValue(value, field.mutable_value());
      }
    } else {
      v1::Field& field = fields.emplace_back();
      field.set_name("value");
      SetTypedValue(*record, field.mutable_value());
    }
  }
  out->record_count = out->records.size();

  if (next_path_.has_value()) {
    out->next_url = FirstNonEmptyText(*next_path_, document, /*numbers_too=*/false);
  }
  if (cursor_path_.has_value()) {
    out->next_cursor = FirstNonEmptyText(*cursor_path_, document, /*numbers_too=*/true);
  }
  return Status::OK();
}

}  // namespace gleaner::crawler
