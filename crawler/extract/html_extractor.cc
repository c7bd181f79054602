#include "crawler/extract/html_extractor.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "crawler/extract/gumbo_node.h"
#include "crawler/extract/html_document.h"
#include "crawler/extract/html_nesting.h"
#include "crawler/extract/html_text.h"
#include "crawler/extract/parse_arena.h"

namespace gleaner::crawler {
namespace {

std::string TrimAsciiWhitespace(std::string_view s) {
  constexpr std::string_view kWhitespace = " \t\n\r\f";
  size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kWhitespace);
  return std::string(s.substr(begin, end - begin + 1));
}

// The trimmed href of `element`; empty when there is no element or no href.
std::string HrefOf(const GumboNode* element) {
  const char* value = element == nullptr ? nullptr : FindAttribute(element, "href");
  return value == nullptr ? std::string() : TrimAsciiWhitespace(value);
}

// Each thread parses its pages in an arena of its own, reused page after
// page. A parse takes at most kArenaCapacity from it (a larger tree spills to
// malloc), and between pages each thread keeps at most kArenaRetained of it
// resident. A tree takes about ten times its page's bytes (PostgreSQL manual:
// 10.5x on average, 5.0 MiB for its largest page of 434 KiB).
constexpr size_t kArenaCapacity = size_t{64} << 20;
constexpr size_t kArenaRetained = size_t{4} << 20;

ParseArena& ThreadParseArena() {
  thread_local ParseArena arena(kArenaCapacity, kArenaRetained);
  return arena;
}

Status CompileSelector(std::string_view text, std::string_view role, CssSelector* out) {
  return CssSelector::Parse(text, out).Annotate(role);
}

}  // namespace

Status HtmlExtractor::Compile(const ExtractSpec& source, std::unique_ptr<HtmlExtractor>* out) {
  if (source.kind != ExtractSpec::Kind::kHtml) {
    return Status::InvalidArgument("html extractor: the source is not of kind html");
  }
  std::unique_ptr<HtmlExtractor> extractor(new HtmlExtractor());
  extractor->link_selectors_.resize(1 + source.follow.size());
  GLEANER_RETURN_IF_ERROR(CompileSelector("a[href]", "links", &extractor->link_selectors_[0]));
  for (size_t i = 0; i < source.follow.size(); ++i) {
    GLEANER_RETURN_IF_ERROR(
        CompileSelector(source.follow[i], "follow", &extractor->link_selectors_[i + 1]));
  }
  GLEANER_RETURN_IF_ERROR(CompileSelector("base[href]", "base", &extractor->base_selector_));
  GLEANER_RETURN_IF_ERROR(
      CompileSelector("link[rel~=canonical][href]", "canonical", &extractor->canonical_selector_));
  if (source.records.has_value()) {
    const HtmlRecordSpec& records = *source.records;
    extractor->has_records_ = true;
    if (!records.when.empty()) {
      GLEANER_RETURN_IF_ERROR(
          CompileSelector(records.when, "records when", &extractor->when_.emplace()));
    }
    if (!records.list.empty()) {
      GLEANER_RETURN_IF_ERROR(
          CompileSelector(records.list, "records list", &extractor->list_.emplace()));
    }
    for (const HtmlFieldSpec& spec : records.fields) {
      const std::string role = "field '" + spec.name + "'";
      CompiledField field{spec, {}, nullptr, {}};
      GLEANER_RETURN_IF_ERROR(CompileSelector(spec.css, role, &field.selector));
      if (spec.take == TakeMode::kAttr && spec.attr.empty()) {
        return Status::InvalidArgument(role + ": takes an attribute but names none");
      }
      const bool takes_no_text = spec.take == TakeMode::kAttr || spec.take == TakeMode::kCount;
      if (takes_no_text && !spec.exclude.empty()) {
        return Status::InvalidArgument(role + ": exclude applies to text and html only");
      }
      if (spec.take == TakeMode::kCount && (spec.all || !spec.regex.empty())) {
        return Status::InvalidArgument(role + ": a count takes neither regex nor all");
      }
      field.exclude.resize(spec.exclude.size());
      for (size_t i = 0; i < spec.exclude.size(); ++i) {
        GLEANER_RETURN_IF_ERROR(
            CompileSelector(spec.exclude[i], role + " exclude", &field.exclude[i]));
      }
      if (!spec.regex.empty()) {
        field.regex = std::make_unique<RE2>(spec.regex, RE2::Quiet);
        if (!field.regex->ok()) {
          return Status::InvalidArgument(role + ": regex '" + spec.regex +
                                         "': " + field.regex->error());
        }
      }
      extractor->fields_.push_back(std::move(field));
    }
  }
  *out = std::move(extractor);
  return Status::OK();
}

std::optional<std::string> HtmlExtractor::TakeValue(const CompiledField& field,
                                                    const GumboNode* element,
                                                    const GumboNode* root) {
  ElementFilter excluded;
  if (!field.exclude.empty()) {
    excluded = [&field, root](const GumboNode* below) {
      for (const CssSelector& selector : field.exclude) {
        if (selector.Matches(below, root)) return true;
      }
      return false;
    };
  }
  std::string taken;
  switch (field.spec.take) {
    case TakeMode::kText:
      taken = TextContent(element, Whitespace::kRendered, excluded);
      break;
    case TakeMode::kRawText:
      taken = TextContent(element, Whitespace::kRaw, excluded);
      break;
    case TakeMode::kAttr: {
      const char* value = FindAttribute(element, field.spec.attr);
      if (value == nullptr) return std::nullopt;
      taken = value;
      break;
    }
    case TakeMode::kInnerHtml:
      taken = InnerHtml(element, excluded);
      break;
    case TakeMode::kCount:  // FillValue counts; there is no value to take
      return std::nullopt;
  }
  if (field.regex == nullptr) return taken;
  const int group = field.regex->NumberOfCapturingGroups() > 0 ? 1 : 0;
  re2::StringPiece match[2];
  if (!field.regex->Match(taken, 0, taken.size(), RE2::UNANCHORED, match, group + 1)) {
    return std::nullopt;
  }
  if (match[group].data() == nullptr) return std::nullopt;  // the group took no part
  return std::string(match[group]);
}

void HtmlExtractor::FillValue(const CompiledField& field, const GumboNode* root, v1::Value* value) {
  if (field.spec.take == TakeMode::kCount) {
    value->set_int_value(static_cast<int64_t>(field.selector.SelectAll(root).size()));
    return;
  }
  if (!field.spec.all) {
    const GumboNode* element = field.selector.SelectFirst(root);
    if (element == nullptr) return;
    std::optional<std::string> taken = TakeValue(field, element, root);
    if (taken.has_value()) value->set_string_value(std::move(*taken));
    return;
  }
  std::vector<const GumboNode*> elements = field.selector.SelectAll(root);
  if (elements.empty()) return;
  nlohmann::json array = nlohmann::json::array();
  for (const GumboNode* element : elements) {
    std::optional<std::string> taken = TakeValue(field, element, root);
    array.push_back(taken.has_value() ? nlohmann::json(std::move(*taken)) : nlohmann::json());
  }
  value->set_json_value(array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Status HtmlExtractor::Extract(std::string_view html, HtmlExtraction* out) const {
  *out = HtmlExtraction();
  if (HtmlNestingDepth(html, kMaxHtmlNesting) > kMaxHtmlNesting) {
    return Status::InvalidArgument("elements nested more than " + std::to_string(kMaxHtmlNesting) +
                                   " levels deep; the page was not parsed");
  }
  const HtmlDocument parsed(html, &ThreadParseArena());
  const GumboNode* document = parsed.document();

  std::unordered_set<std::string> seen_links;
  // The first <base href> and rel=canonical are found in the links' walk, in
  // the same document order SelectFirst would visit: one pass over the tree.
  const GumboNode* base = nullptr;
  const GumboNode* canonical = nullptr;
  VisitDescendants(document, [&](const GumboNode* node) {
    if (base == nullptr && base_selector_.Matches(node, document)) base = node;
    if (canonical == nullptr && canonical_selector_.Matches(node, document)) canonical = node;
    for (const CssSelector& selector : link_selectors_) {
      if (!selector.Matches(node, document)) continue;
      const char* url = FindAttribute(node, "href");
      if (url == nullptr) url = FindAttribute(node, "src");
      std::string link = url == nullptr ? std::string() : TrimAsciiWhitespace(url);
      if (link.empty()) break;
      // Spellings differing only in their #fragment name one URL, so only
      // the first is resolved: a manual's contents link each page many times.
      std::string url_part = link.substr(0, link.find('#'));
      if (out->links.size() < kMaxLinksPerPage) {
        if (seen_links.insert(std::move(url_part)).second) out->links.push_back(std::move(link));
      } else if (!seen_links.contains(url_part)) {
        ++out->links_over_cap;  // seen_links stays bounded with links
      }
      break;
    }
    return true;
  });
  out->base_href = HrefOf(base);
  out->canonical = HrefOf(canonical);

  if (!has_records_) return Status::OK();
  if (when_.has_value() && when_->SelectFirst(document) == nullptr) return Status::OK();
  out->is_record_page = true;
  const std::vector<const GumboNode*> roots =
      list_.has_value() ? list_->SelectAll(document) : std::vector<const GumboNode*>{document};
  for (const GumboNode* root : roots) {
    std::vector<v1::Field>& record = out->records.emplace_back();
    for (const CompiledField& field : fields_) {
      v1::Field& extracted = record.emplace_back();
      extracted.set_name(field.spec.name);
      FillValue(field, root, extracted.mutable_value());
    }
  }
  return Status::OK();
}

}  // namespace gleaner::crawler
