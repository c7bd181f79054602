#include "crawler/job/job_parser.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <re2/re2.h>
#include <string>
#include <vector>

#include "common/yaml_reader.h"
#include "crawler/extract/css_selector.h"
#include "crawler/extract/json_path.h"
#include "crawler/job/cron_expression.h"
#include "storage/keys.h"

namespace gleaner::crawler {
namespace {

using yaml::MapReader;
using yaml::Node;

constexpr int kMaxInt = std::numeric_limits<int>::max();
constexpr int64_t kMaxInt64 = std::numeric_limits<int64_t>::max();
constexpr int kOneHourMs = 3600 * 1000;
constexpr int kOneDayMs = 24 * kOneHourMs;

const std::vector<std::string_view> kJobKeys = {"name",
                                                "sources",
                                                "politeness",
                                                "retry",
                                                "limits",
                                                "store_pages",
                                                "strip_tracking_params",
                                                "max_pages",
                                                "schedule",
                                                "recrawl",
                                                "prepare"};
const std::vector<std::string_view> kHtmlSourceKeys = {
    "kind", "seeds", "sitemaps", "robots_sitemaps", "scope", "follow", "records"};
const std::vector<std::string_view> kJsonSourceKeys = {
    "kind", "url", "records", "fields", "paginate", "headers", "bearer_token_env"};
const std::vector<std::string_view> kPaginateKeys = {"next", "param",  "start",    "offset",
                                                     "step", "cursor", "max_pages"};

// Job files are shared and committed; a secret in one leaks.
constexpr std::string_view kNoTokensInFiles =
    "tokens are never stored in job files; put the token in an environment variable and "
    "give its name as bearer_token_env";

std::string ToLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower;
}

// Scheme http or https and a non-empty host; the crawler normalises the rest.
bool IsHttpUrl(std::string_view url) {
  std::string_view rest;
  const std::string lower = ToLower(url.substr(0, 8));
  if (lower.starts_with("http://")) {
    rest = url.substr(7);
  } else if (lower.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) return false;
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority.starts_with('[') ? authority.substr(1, authority.find(']') - 1)
                                                     : authority.substr(0, authority.find(':'));
  return !host.empty();
}

void ReadUrl(const Node& node, std::string* out) {
  if (node.ReadString(out) && !IsHttpUrl(*out)) {
    node.FailExpected("an http:// or https:// URL with a host");
  }
}

void ReadUrlList(const Node& node, std::vector<std::string>* out) {
  for (const Node& item : node.Items()) ReadUrl(item, &out->emplace_back());
}

void ReadRegex(const Node& node, std::string* out) {
  if (!node.ReadString(out)) return;
  RE2 compiled(*out, RE2::Quiet);
  if (!compiled.ok()) node.FailExpected("a regular expression (RE2 syntax)", compiled.error());
}

void ReadRegexList(const Node& node, std::vector<std::string>* out) {
  for (const Node& item : node.Items()) ReadRegex(item, &out->emplace_back());
}

// Selectors and JSONPaths are checked by the very parsers the crawler runs,
// so a job that validates is a job the crawler can execute.
void ReadSelector(const Node& node, std::string* out) {
  if (!node.ReadString(out)) return;
  CssSelector selector;
  Status s = CssSelector::Parse(*out, &selector);
  if (!s.ok()) node.Fail(s.message());
}

void ReadSelectorList(const Node& node, std::vector<std::string>* out) {
  for (const Node& item : node.Items()) ReadSelector(item, &out->emplace_back());
}

void ReadJsonPath(const Node& node, std::string* out) {
  if (!node.ReadString(out)) return;
  JsonPath path;
  Status s = JsonPath::Parse(*out, &path);
  if (!s.ok()) node.Fail(s.message());
}

void ReadDomains(const Node& node, std::vector<std::string>* out) {
  for (const Node& item : node.Items()) {
    std::string& domain = out->emplace_back();
    if (item.ReadString(&domain) &&
        (domain.empty() || domain.find_first_of("/: \t") != std::string::npos)) {
      item.FailExpected("a host name such as books.example");
    }
  }
}

// An environment variable name, so the token itself stays out of the file.
void ReadEnvVarName(const Node& node, std::string* out) {
  if (!node.ReadString(out)) return;
  bool valid = !out->empty() && !std::isdigit(static_cast<unsigned char>((*out)[0])) &&
               std::all_of(out->begin(), out->end(),
                           [](unsigned char c) { return std::isalnum(c) || c == '_'; });
  if (!valid) node.FailExpected("the name of an environment variable (letters, digits, '_')");
}

void ReadHeaders(const Node& node, std::map<std::string, std::string>* out) {
  for (const auto& [key, value] : node.AsOpenMap().Entries()) {
    std::string name;
    key.ReadString(&name);
    if (ToLower(name) == "authorization") {
      key.Fail("header '" + name + "': " + std::string(kNoTokensInFiles));
      return;
    }
    value.ReadString(&(*out)[name]);
  }
}

void RejectStoredTokens(const MapReader& source) {
  for (const auto& [key, unused] : source.Entries()) {
    std::string name;
    key.ReadString(&name);
    if (name == "bearer_token" || name == "token") {
      key.Fail("key '" + name + "': " + std::string(kNoTokensInFiles));
      return;
    }
  }
}

void ParseScope(const Node& node, Scope* out) {
  MapReader map = node.AsMap({"domains", "max_depth", "include", "exclude"});
  ReadDomains(map.Get("domains"), &out->domains);
  map.Get("max_depth").ReadInt(0, 1000, &out->max_depth);
  ReadRegexList(map.Get("include"), &out->include);
  ReadRegexList(map.Get("exclude"), &out->exclude);
}

// `text: true` or `text: raw`; nullopt for `text: false`.
std::optional<TakeMode> ReadTextMode(const Node& node) {
  std::string word;
  if (node.IsScalar() && node.ReadString(&word)) word = ToLower(word);
  if (word == "true") return TakeMode::kText;
  if (word == "raw") return TakeMode::kRawText;
  if (word != "false") node.FailExpected("true, false or raw");
  return std::nullopt;
}

// `true` for the boolean switches html and count; nullopt for false.
std::optional<TakeMode> ReadSwitchedMode(const Node& node, TakeMode mode) {
  bool on = false;
  node.ReadBool(&on);
  return on ? std::optional<TakeMode>(mode) : std::nullopt;
}

// The one way a field takes its value: text (the default), attr, html or
// count. A second way given is blamed where it is written.
void ReadTakeMode(const MapReader& map, HtmlFieldSpec* out) {
  constexpr std::string_view kWays =
      "'text: true', 'text: raw', 'attr: NAME', 'html: true' or 'count: true'";
  std::string chosen_key;
  bool switched_off = false;  // e.g. `text: false` alone: a field must take something
  for (const auto& [key, value] : map.Entries()) {
    std::string name;
    key.ReadString(&name);
    std::optional<TakeMode> mode;
    if (name == "text") {
      mode = ReadTextMode(value);
    } else if (name == "html") {
      mode = ReadSwitchedMode(value, TakeMode::kInnerHtml);
    } else if (name == "count") {
      mode = ReadSwitchedMode(value, TakeMode::kCount);
    } else if (name == "attr") {
      if (value.ReadString(&out->attr) && out->attr.empty()) {
        value.FailExpected("an attribute name");
      }
      mode = TakeMode::kAttr;
    } else {
      continue;
    }
    if (!mode.has_value()) {
      switched_off = true;
    } else if (!chosen_key.empty()) {
      value.Fail("'" + name + "' cannot be combined with '" + chosen_key +
                 "': a field takes its value one way, " + std::string(kWays));
      return;
    } else {
      chosen_key = name;
      out->take = *mode;
    }
  }
  if (chosen_key.empty() && switched_off) {
    map.node().Fail("expected one of " + std::string(kWays) + ", got none switched on");
  }
}

void ParseHtmlField(const Node& key, const Node& node, HtmlFieldSpec* out) {
  key.ReadString(&out->name);
  MapReader map = node.AsMap({"css", "text", "attr", "html", "count", "regex", "all", "exclude"});
  ReadSelector(map.Required("css"), &out->css);
  ReadTakeMode(map, out);
  Node regex = map.Get("regex");
  ReadRegex(regex, &out->regex);
  Node all = map.Get("all");
  all.ReadBool(&out->all);
  Node exclude = map.Get("exclude");
  if (exclude.IsList()) {
    ReadSelectorList(exclude, &out->exclude);
    if (out->exclude.empty()) exclude.FailExpected("a selector or a list of selectors");
  } else if (exclude.present()) {
    ReadSelector(exclude, &out->exclude.emplace_back());
  }

  // Options that have nothing to act on in the chosen way are mistakes, not no-ops.
  if (out->take == TakeMode::kCount) {
    if (regex.present()) {
      regex.Fail("'regex' does not apply to 'count: true': a count has no text to match");
    }
    if (out->all) {
      all.Fail("'all' does not apply to 'count: true': a count counts every match already");
    }
  }
  if (exclude.present() && (out->take == TakeMode::kAttr || out->take == TakeMode::kCount)) {
    exclude.Fail(std::string("'exclude' does not apply to ") +
                 (out->take == TakeMode::kAttr ? "'attr'" : "'count: true'") +
                 ": it leaves elements out of a field's text or html");
  }
}

void ParseHtmlRecords(const Node& node, std::optional<HtmlRecordSpec>* out) {
  if (!node.present()) return;
  HtmlRecordSpec records;
  MapReader map = node.AsMap({"when", "list", "fields"});
  ReadSelector(map.Get("when"), &records.when);
  ReadSelector(map.Get("list"), &records.list);
  Node fields = map.Required("fields");
  for (const auto& [key, value] : fields.AsOpenMap().Entries()) {
    ParseHtmlField(key, value, &records.fields.emplace_back());
  }
  if (fields.IsMap() && records.fields.empty()) fields.FailExpected("at least one field");
  *out = std::move(records);
}

void ParseHtmlSource(const MapReader& map, SourceSpec* out) {
  map.CheckKeys(kHtmlSourceKeys);
  ReadUrlList(map.Get("seeds"), &out->seeds);
  ReadUrlList(map.Get("sitemaps"), &out->sitemaps);
  if (!map.Has("seeds") && !map.Has("sitemaps")) {
    map.node().Fail("missing required key 'seeds' (or 'sitemaps')");
  } else if (out->seeds.empty() && out->sitemaps.empty()) {
    map.Get(map.Has("seeds") ? "seeds" : "sitemaps").FailExpected("at least one URL");
  }
  map.Get("robots_sitemaps").ReadBool(&out->robots_sitemaps);
  ParseScope(map.Get("scope"), &out->scope);
  ReadSelectorList(map.Get("follow"), &out->follow);
  ParseHtmlRecords(map.Get("records"), &out->records);
}

void ParsePagination(const Node& node, Pagination* out) {
  if (!node.present()) return;
  MapReader map = node.AsOpenMap();
  if (map.Has("next")) {
    out->kind = PaginationKind::kNextLink;
    map.CheckKeys({"next", "max_pages"});
    ReadJsonPath(map.Get("next"), &out->next_path);
  } else if (map.Has("cursor")) {
    out->kind = PaginationKind::kCursor;
    map.CheckKeys({"cursor", "param", "max_pages"});
    ReadJsonPath(map.Get("cursor"), &out->cursor_path);
    map.Required("param").ReadString(&out->param);
  } else if (map.Has("offset")) {
    out->kind = PaginationKind::kOffsetParam;
    out->start = 0;
    map.CheckKeys({"offset", "start", "step", "max_pages"});
    map.Get("offset").ReadString(&out->param);
    map.Get("start").ReadInt<int64_t>(0, kMaxInt64, &out->start);
    map.Get("step").ReadInt<int64_t>(1, kMaxInt64, &out->step);
  } else if (map.Has("param")) {
    out->kind = PaginationKind::kPageParam;
    map.CheckKeys({"param", "start", "max_pages"});
    map.Get("param").ReadString(&out->param);
    map.Get("start").ReadInt<int64_t>(0, kMaxInt64, &out->start);
  } else if (map.CheckKeys(kPaginateKeys)) {
    node.Fail(
        "expected {next: PATH}, {param: NAME, start: N}, {offset: NAME, start: N, step: N} or "
        "{cursor: PATH, param: NAME}, got none of next, param, offset, cursor");
  }
  map.Get("max_pages").ReadInt<int64_t>(1, kMaxInt64, &out->max_pages);
}

void ParseJsonSource(const MapReader& map, SourceSpec* out) {
  map.CheckKeys(kJsonSourceKeys);
  ReadUrl(map.Required("url"), &out->url);
  ReadJsonPath(map.Get("records"), &out->records_path);
  for (const auto& [key, value] : map.Get("fields").AsOpenMap().Entries()) {
    JsonFieldSpec& field = out->json_fields.emplace_back();
    key.ReadString(&field.name);
    ReadJsonPath(value, &field.path);
  }
  ParsePagination(map.Get("paginate"), &out->paginate);
  ReadHeaders(map.Get("headers"), &out->headers);
  ReadEnvVarName(map.Get("bearer_token_env"), &out->bearer_token_env);
}

void ParseSource(const Node& node, SourceSpec* out) {
  MapReader map = node.AsOpenMap();
  if (!node.ok()) return;
  RejectStoredTokens(map);
  if (!map.Has("kind")) {
    // A misspelt 'kind' would otherwise read as missing: offer the spelling first.
    std::vector<std::string_view> all_keys = kHtmlSourceKeys;
    for (std::string_view key : kJsonSourceKeys) {
      if (std::find(all_keys.begin(), all_keys.end(), key) == all_keys.end()) {
        all_keys.push_back(key);
      }
    }
    map.CheckKeys(all_keys);
  }
  map.Required("kind").ReadEnum(
      {{"html", SourceSpec::Kind::kHtml}, {"json", SourceSpec::Kind::kJson}}, &out->kind);
  if (!node.ok()) return;
  if (out->kind == SourceSpec::Kind::kHtml) {
    ParseHtmlSource(map, out);
  } else {
    ParseJsonSource(map, out);
  }
}

void ParsePoliteness(const Node& node, Politeness* out) {
  MapReader map = node.AsMap({"concurrency", "per_host", "delay_ms", "robots", "user_agent"});
  map.Get("concurrency").ReadInt(1, 10000, &out->concurrency);
  map.Get("per_host").ReadInt(1, kMaxInt, &out->per_host);
  map.Get("delay_ms").ReadInt(0, kOneHourMs, &out->delay_ms);
  map.Get("robots").ReadBool(&out->robots);
  Node user_agent = map.Get("user_agent");
  if (user_agent.ReadString(&out->user_agent) &&
      (out->user_agent.empty() || out->user_agent.find_first_of("\r\n") != std::string::npos)) {
    user_agent.FailExpected("a non-empty, single-line User-Agent");
  }
}

void ParseRetry(const Node& node, RetryPolicy* out) {
  MapReader map = node.AsMap({"attempts", "backoff_ms", "max_backoff_ms"});
  map.Get("attempts").ReadInt(1, 100, &out->attempts);
  map.Get("backoff_ms").ReadInt(0, kOneHourMs, &out->backoff_ms);
  Node max_backoff = map.Get("max_backoff_ms");
  max_backoff.ReadInt(0, kOneDayMs, &out->max_backoff_ms);
  if (out->max_backoff_ms < out->backoff_ms) {
    Node blamed = max_backoff.present() ? max_backoff : map.Get("backoff_ms");
    blamed.Fail("max_backoff_ms (" + std::to_string(out->max_backoff_ms) +
                ") must be at least backoff_ms (" + std::to_string(out->backoff_ms) + ")");
  }
}

void ParseLimits(const Node& node, FetchLimits* out) {
  MapReader map = node.AsMap({"max_body_bytes", "max_decompressed_bytes", "connect_timeout_ms",
                              "total_timeout_ms", "low_speed_bytes_per_s", "low_speed_time_s",
                              "max_redirects"});
  map.Get("max_body_bytes").ReadInt<int64_t>(1, kMaxInt64, &out->max_body_bytes);
  map.Get("max_decompressed_bytes").ReadInt<int64_t>(1, kMaxInt64, &out->max_decompressed_bytes);
  map.Get("connect_timeout_ms").ReadInt(1, 10 * 60 * 1000, &out->connect_timeout_ms);
  map.Get("total_timeout_ms").ReadInt(1, kOneDayMs, &out->total_timeout_ms);
  map.Get("low_speed_bytes_per_s").ReadInt(0, kMaxInt, &out->low_speed_bytes_per_s);
  map.Get("low_speed_time_s").ReadInt(0, 3600, &out->low_speed_time_s);
  map.Get("max_redirects").ReadInt(0, 20, &out->max_redirects);
}

void ParseSchedule(const Node& node, std::string* out) {
  if (!node.ReadString(out)) return;
  CronExpression unused;
  Status s = ParseCron(*out, &unused);
  if (!s.ok()) node.Fail(s.message());
}

// A revisit interval: a whole number and a unit, "90s", "30m", "6h", "7d",
// from one second to ten years.
void ReadInterval(const Node& node, int64_t* micros) {
  std::string text;
  if (!node.ReadString(&text)) return;
  static const std::map<char, int64_t> kUnitSeconds = {
      {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  constexpr int64_t kMaxSeconds = 10 * 366 * 86400LL;
  const auto unit = text.empty() ? kUnitSeconds.end() : kUnitSeconds.find(text.back());
  const std::string digits = text.substr(0, text.empty() ? 0 : text.size() - 1);
  const bool all_digits =
      !digits.empty() && digits.size() <= 9 &&
      std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
  const int64_t seconds =
      all_digits && unit != kUnitSeconds.end() ? std::stoll(digits) * unit->second : 0;
  if (seconds < 1 || seconds > kMaxSeconds) {
    node.FailExpected("a duration from 1s to 3660d: a whole number and s, m, h or d (\"6h\")");
    return;
  }
  *micros = seconds * 1000000;
}

void ParseRecrawl(const Node& node, RecrawlPolicy* out) {
  if (!node.present()) return;
  MapReader map =
      node.AsMap({"min_interval", "max_interval", "increase", "decrease", "remove_unlinked"});
  map.Get("remove_unlinked").ReadBool(&out->remove_unlinked);
  // remove_unlinked alone leaves every run revisiting every known URL; an
  // interval key (or `recrawl: {}`, all defaults) asks for adaptive intervals.
  out->adaptive = map.Has("min_interval") || map.Has("max_interval") || map.Has("increase") ||
                  map.Has("decrease") || !map.Has("remove_unlinked");
  ReadInterval(map.Get("min_interval"), &out->min_interval_micros);
  Node max_interval = map.Get("max_interval");
  ReadInterval(max_interval, &out->max_interval_micros);
  // An unchanged page is revisited later, a changed one sooner: growth above
  // 1, shrinking in (0, 1).
  Node increase = map.Get("increase");
  if (increase.ReadDouble(1, 100, &out->increase) && out->increase == 1) {
    increase.Fail("increase must be above 1");
  }
  Node decrease = map.Get("decrease");
  if (decrease.ReadDouble(0, 1, &out->decrease) && (out->decrease == 0 || out->decrease == 1)) {
    decrease.Fail("decrease must be above 0 and below 1");
  }
  if (out->max_interval_micros < out->min_interval_micros) {
    Node blamed = max_interval.present() ? max_interval : map.Get("min_interval");
    blamed.Fail("max_interval must be at least min_interval");
  }
}

// A path in a job file means the same file whatever the directory gleaner
// runs in: a relative one is taken from the job file's folder.
void ReadJobRelativePath(const Node& node, const std::string& job_path, std::string* out) {
  if (!node.ReadString(out)) return;
  std::filesystem::path path(*out);
  std::filesystem::path job_dir = std::filesystem::path(job_path).parent_path();
  if (path.is_relative() && !job_dir.empty()) *out = (job_dir / path).lexically_normal().string();
}

void ParsePrepare(const Node& node, const std::string& job_path, JobConfig* out) {
  MapReader map = node.AsMap({"rules", "out"});
  ReadJobRelativePath(map.Required("rules"), job_path, &out->prepare_rules);
  ReadJobRelativePath(map.Get("out"), job_path, &out->prepare_out);
}

Status ParseJobDocument(yaml::Document& doc, JobConfig* out) {
  JobConfig job;
  job.source_path = doc.name();
  Node root = doc.Root();
  MapReader map = root.AsMap(kJobKeys);

  Node name = map.Required("name");
  if (name.ReadString(&job.name)) {
    Status valid = storage::ValidateJobName(job.name);
    if (!valid.ok()) name.Fail(valid.message());
  }
  Node sources = map.Required("sources");
  for (const Node& source : sources.Items()) ParseSource(source, &job.sources.emplace_back());
  if (sources.IsList() && job.sources.empty()) sources.FailExpected("at least one source");

  ParsePoliteness(map.Get("politeness"), &job.politeness);
  ParseRetry(map.Get("retry"), &job.retry);
  ParseLimits(map.Get("limits"), &job.limits);
  map.Get("store_pages").ReadBool(&job.store_pages);
  map.Get("strip_tracking_params").ReadBool(&job.strip_tracking_params);
  map.Get("max_pages").ReadInt<int64_t>(0, kMaxInt64, &job.max_pages);
  ParseSchedule(map.Get("schedule"), &job.schedule);
  ParseRecrawl(map.Get("recrawl"), &job.recrawl);
  ParsePrepare(map.Get("prepare"), doc.name(), &job);

  if (doc.status().ok()) *out = std::move(job);
  return doc.status();
}

}  // namespace

Status CheckWorkerCrawlable(const JobConfig& job) {
  // Workers keep no links and judge no run's end: the job would silently
  // keep every unlinked page's records.
  if (job.recrawl.remove_unlinked) {
    return Status::InvalidArgument(
        job.source_path +
        ": recrawl.remove_unlinked: not supported when gleaner worker processes "
        "crawl the job (serve --redis); crawl it with `gleaner crawl` or `gleaner serve` without "
        "--redis");
  }
  return Status::OK();
}

Status ParseJobFile(const std::string& path, JobConfig* out) {
  yaml::Document doc;
  GLEANER_RETURN_IF_ERROR(doc.LoadFile(path));
  return ParseJobDocument(doc, out);
}

Status ParseJobYaml(std::string_view yaml, const std::string& display_name, JobConfig* out) {
  yaml::Document doc;
  GLEANER_RETURN_IF_ERROR(doc.LoadString(yaml, display_name));
  return ParseJobDocument(doc, out);
}

}  // namespace gleaner::crawler
