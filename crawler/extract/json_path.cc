#include "crawler/extract/json_path.h"

#include "crawler/extract/text_scanner.h"

namespace gleaner::crawler {

class JsonPathParser {
 public:
  explicit JsonPathParser(std::string_view text) : in_("json path", text) {}

  Status Parse(std::vector<JsonPath::Step>* steps) {
    if (!in_.Consume('$')) return in_.Error("'$'");
    while (!in_.AtEnd()) {
      JsonPath::Step step;
      if (in_.Consume('.')) {
        GLEANER_RETURN_IF_ERROR(ParseDotStep(&step));
      } else if (in_.Consume('[')) {
        GLEANER_RETURN_IF_ERROR(ParseBracketStep(&step));
      } else {
        return in_.Error("'.' or '['");
      }
      steps->push_back(std::move(step));
    }
    return Status::OK();
  }

 private:
  Status ParseDotStep(JsonPath::Step* step) {
    if (in_.Consume('*')) {
      step->kind = JsonPath::Step::Kind::kWildcard;
      return Status::OK();
    }
    step->key = in_.TakeWhile(IsNameChar);
    if (step->key.empty()) return in_.Error("a key name or '*'");
    step->kind = JsonPath::Step::Kind::kKey;
    return Status::OK();
  }

  Status ParseBracketStep(JsonPath::Step* step) {
    SkipSpaces();
    if (in_.AtEnd()) return in_.Error("an index, a quoted key or '*'");
    char c = in_.Peek();
    if (in_.Consume('*')) {
      step->kind = JsonPath::Step::Kind::kWildcard;
    } else if (c == '\'' || c == '"') {
      GLEANER_RETURN_IF_ERROR(in_.QuotedString(&step->key));
      step->kind = JsonPath::Step::Kind::kKey;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      GLEANER_RETURN_IF_ERROR(in_.Integer("an integer index", &step->index));
      step->kind = JsonPath::Step::Kind::kIndex;
    } else {
      return in_.Error("an index, a quoted key or '*'");
    }
    SkipSpaces();
    if (!in_.Consume(']')) return in_.Error("']'");
    return Status::OK();
  }

  // Dotted names stop at the next step, at quotes and at whitespace; anything
  // else (use brackets for those) belongs to the name.
  static bool IsNameChar(char c) {
    return c != '.' && c != '[' && c != ']' && c != '\'' && c != '"' && c != '*' && c != ' ' &&
           c != '\t' && c != '\n' && c != '\r';
  }
  void SkipSpaces() {
    in_.TakeWhile([](char c) { return c == ' '; });
  }

  TextScanner in_;
};

Status JsonPath::Parse(std::string_view text, JsonPath* out) {
  JsonPath parsed;
  parsed.text_ = std::string(text);
  GLEANER_RETURN_IF_ERROR(JsonPathParser(text).Parse(&parsed.steps_));
  *out = std::move(parsed);
  return Status::OK();
}

template <typename Json>
std::vector<const Json*> JsonPath::EvaluateSteps(const Json& root) const {
  std::vector<const Json*> current{&root};
  for (const Step& step : steps_) {
    std::vector<const Json*> next;
    for (const Json* value : current) {
      switch (step.kind) {
        case Step::Kind::kKey:
          if (value->is_object()) {
            auto found = value->find(step.key);
            if (found != value->end()) next.push_back(&*found);
          }
          break;
        case Step::Kind::kIndex:
          if (value->is_array()) {
            const auto size = static_cast<int64_t>(value->size());
            int64_t index = step.index < 0 ? size + step.index : step.index;
            if (index >= 0 && index < size) next.push_back(&(*value)[static_cast<size_t>(index)]);
          }
          break;
        case Step::Kind::kWildcard:
          if (value->is_array() || value->is_object()) {
            for (const Json& child : *value) next.push_back(&child);
          }
          break;
      }
    }
    current = std::move(next);
  }
  return current;
}

std::vector<const nlohmann::json*> JsonPath::Evaluate(const nlohmann::json& root) const {
  return EvaluateSteps(root);
}

std::vector<const nlohmann::ordered_json*> JsonPath::Evaluate(
    const nlohmann::ordered_json& root) const {
  return EvaluateSteps(root);
}

}  // namespace gleaner::crawler
