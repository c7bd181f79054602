#include "crawler/extract/json_path.h"

#include <charconv>

namespace gleaner::crawler {

class JsonPathParser {
 public:
  explicit JsonPathParser(std::string_view text) : text_(text) {}

  Status Parse(std::vector<JsonPath::Step>* steps) {
    if (AtEnd() || Peek() != '$') return Error("'$'");
    ++pos_;
    while (!AtEnd()) {
      JsonPath::Step step;
      if (Peek() == '.') {
        ++pos_;
        GLEANER_RETURN_IF_ERROR(ParseDotStep(&step));
      } else if (Peek() == '[') {
        ++pos_;
        GLEANER_RETURN_IF_ERROR(ParseBracketStep(&step));
      } else {
        return Error("'.' or '['");
      }
      steps->push_back(std::move(step));
    }
    return Status::OK();
  }

 private:
  Status ParseDotStep(JsonPath::Step* step) {
    if (!AtEnd() && Peek() == '*') {
      ++pos_;
      step->kind = JsonPath::Step::Kind::kWildcard;
      return Status::OK();
    }
    while (!AtEnd() && IsNameChar(Peek())) step->key.push_back(text_[pos_++]);
    if (step->key.empty()) return Error("a key name or '*'");
    step->kind = JsonPath::Step::Kind::kKey;
    return Status::OK();
  }

  Status ParseBracketStep(JsonPath::Step* step) {
    SkipSpaces();
    if (AtEnd()) return Error("an index, a quoted key or '*'");
    char c = Peek();
    if (c == '*') {
      ++pos_;
      step->kind = JsonPath::Step::Kind::kWildcard;
    } else if (c == '\'' || c == '"') {
      ++pos_;
      while (!AtEnd() && Peek() != c) {
        if (Peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
        step->key.push_back(text_[pos_++]);
      }
      if (AtEnd()) return Error(std::string("closing ") + c);
      ++pos_;
      step->kind = JsonPath::Step::Kind::kKey;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const char* begin = text_.data() + pos_;
      auto [stop, error] = std::from_chars(begin, text_.data() + text_.size(), step->index);
      if (error != std::errc()) return Error("an integer index");
      pos_ += static_cast<size_t>(stop - begin);
      step->kind = JsonPath::Step::Kind::kIndex;
    } else {
      return Error("an index, a quoted key or '*'");
    }
    SkipSpaces();
    if (AtEnd() || Peek() != ']') return Error("']'");
    ++pos_;
    return Status::OK();
  }

  // Dotted names stop at the next step, at quotes and at whitespace; anything
  // else (use brackets for those) belongs to the name.
  static bool IsNameChar(char c) {
    return c != '.' && c != '[' && c != ']' && c != '\'' && c != '"' && c != '*' && c != ' ' &&
           c != '\t' && c != '\n' && c != '\r';
  }
  void SkipSpaces() {
    while (!AtEnd() && Peek() == ' ') ++pos_;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  Status Error(std::string_view expected) const {
    return Status::InvalidArgument("json path '" + std::string(text_) + "': expected " +
                                   std::string(expected) + " at offset " + std::to_string(pos_));
  }

  std::string_view text_;
  size_t pos_ = 0;
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
