#include "tests/fuzz/extraction_spec.h"

#include <utility>

namespace gleaner::fuzz {

namespace {

using crawler::SourceSpec;

// Splits off the next line (without its '\n') from *rest.
std::string_view NextLine(std::string_view* rest) {
  size_t end = rest->find('\n');
  std::string_view line = rest->substr(0, end);
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
  return line;
}

// Splits "WORD REST" at the first space; REST is empty when there is none.
std::pair<std::string_view, std::string_view> SplitWord(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), line.substr(space + 1)};
}

// Calls directive(keyword, argument) for every line before the first empty
// one and returns what follows it.
template <typename Directive>
std::string_view ReadSpecLines(std::string_view input, Directive&& directive) {
  std::string_view rest = input;
  while (!rest.empty()) {
    std::string_view line = NextLine(&rest);
    if (line.empty()) return rest;
    auto [keyword, argument] = SplitWord(line);
    directive(keyword, argument);
  }
  return input;
}

// The TAKE word of a field line.
std::string TakeWord(const crawler::HtmlFieldSpec& field) {
  switch (field.take) {
    case crawler::TakeMode::kText:
      return "text";
    case crawler::TakeMode::kRawText:
      return "raw";
    case crawler::TakeMode::kAttr:
      return "attr=" + field.attr;
    case crawler::TakeMode::kInnerHtml:
      return "inner";
    case crawler::TakeMode::kCount:
      return "count";
  }
  return "text";
}

}  // namespace

std::string_view ReadHtmlSpec(std::string_view input, SourceSpec* source) {
  source->kind = SourceSpec::Kind::kHtml;
  auto records = [source]() -> crawler::HtmlRecordSpec& {
    if (!source->records) source->records.emplace();
    return *source->records;
  };
  return ReadSpecLines(input, [&](std::string_view keyword, std::string_view argument) {
    if (keyword == "follow") {
      source->follow.emplace_back(argument);
    } else if (keyword == "when") {
      records().when = argument;
    } else if (keyword == "list") {
      records().list = argument;
    } else if (keyword == "field") {
      auto [name, take_and_css] = SplitWord(argument);
      auto [take, css] = SplitWord(take_and_css);
      crawler::HtmlFieldSpec field;
      field.name = name;
      field.css = css;
      if (take == "inner") {
        field.take = crawler::TakeMode::kInnerHtml;
      } else if (take == "raw") {
        field.take = crawler::TakeMode::kRawText;
      } else if (take == "count") {
        field.take = crawler::TakeMode::kCount;
      } else if (take.starts_with("attr=")) {
        field.take = crawler::TakeMode::kAttr;
        field.attr = take.substr(5);
      }
      records().fields.push_back(std::move(field));
    } else if (keyword == "regex" && source->records && !source->records->fields.empty()) {
      source->records->fields.back().regex = argument;
    } else if (keyword == "all" && source->records && !source->records->fields.empty()) {
      source->records->fields.back().all = true;
    } else if (keyword == "exclude" && source->records && !source->records->fields.empty()) {
      source->records->fields.back().exclude.emplace_back(argument);
    }
  });
}

std::string_view ReadJsonSpec(std::string_view input, SourceSpec* source) {
  source->kind = SourceSpec::Kind::kJson;
  return ReadSpecLines(input, [&](std::string_view keyword, std::string_view argument) {
    if (keyword == "records") {
      source->records_path = argument;
    } else if (keyword == "field") {
      auto [name, path] = SplitWord(argument);
      source->json_fields.push_back({std::string(name), std::string(path)});
    } else if (keyword == "next") {
      source->paginate.kind = crawler::PaginationKind::kNextLink;
      source->paginate.next_path = argument;
    } else if (keyword == "cursor") {
      source->paginate.kind = crawler::PaginationKind::kCursor;
      source->paginate.cursor_path = argument;
    }
  });
}

std::string WriteHtmlSpec(const SourceSpec& source) {
  std::string out;
  for (const std::string& follow : source.follow) out += "follow " + follow + "\n";
  if (source.records) {
    if (!source.records->when.empty()) out += "when " + source.records->when + "\n";
    if (!source.records->list.empty()) out += "list " + source.records->list + "\n";
    for (const crawler::HtmlFieldSpec& field : source.records->fields) {
      out += "field " + field.name + " " + TakeWord(field) + " " + field.css + "\n";
      if (!field.regex.empty()) out += "regex " + field.regex + "\n";
      if (field.all) out += "all\n";
      for (const std::string& exclude : field.exclude) out += "exclude " + exclude + "\n";
    }
  }
  return out + "\n";
}

std::string WriteJsonSpec(const SourceSpec& source) {
  std::string out = "records " + source.records_path + "\n";
  for (const crawler::JsonFieldSpec& field : source.json_fields) {
    out += "field " + field.name + " " + field.path + "\n";
  }
  if (source.paginate.kind == crawler::PaginationKind::kNextLink) {
    out += "next " + source.paginate.next_path + "\n";
  }
  if (source.paginate.kind == crawler::PaginationKind::kCursor) {
    out += "cursor " + source.paginate.cursor_path + "\n";
  }
  return out + "\n";
}

}  // namespace gleaner::fuzz
