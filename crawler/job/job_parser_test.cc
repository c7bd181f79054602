#include "crawler/job/job_parser.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gleaner::crawler {
namespace {

// Parses `yaml` as "t.yaml" and returns the error message ("" when it parses).
std::string ErrorOf(std::string_view yaml) {
  JobConfig job;
  Status s = ParseJobYaml(yaml, "t.yaml", &job);
  return s.ok() ? "" : s.message();
}

// Lines 1-2 of most bad jobs below: a name and one valid source.
constexpr std::string_view kValidHead =
    "name: t\n"
    "sources: [{kind: html, seeds: [\"https://a.example/\"]}]\n";

std::string WithValidHead(std::string_view rest) {
  return std::string(kValidHead) + std::string(rest);
}

TEST_CASE("a full job fills every field it sets and keeps defaults for the rest") {
  constexpr std::string_view kJob = R"yaml(name: shop.v2
sources:
  - kind: html
    seeds: ["https://shop.example/", "http://shop.example:8080/start"]
    sitemaps: ["https://shop.example/sitemap.xml"]
    scope:
      domains: [shop.example, cdn.shop.example]
      max_depth: 3
      include: ["^/p/"]
      exclude: ["\\?sort=", "/cart"]
    follow: ["a.next", "link[rel=next]"]
    records:
      when: "div.product"
      list: "li.item"
      fields:
        title: {css: "h1"}
        price: {css: ".price", text: true, regex: "([0-9.]+)"}
        image: {css: "img", attr: src, all: true}
        body:  {css: ".desc", html: true}
  - kind: json
    url: "https://api.shop.example/items"
    records: "$.items[*]"
    fields: {id: "$.id", name: "$.name"}
    paginate: {offset: skip, start: 0, step: 50, max_pages: 20}
    headers: {Accept: application/json}
    bearer_token_env: SHOP_TOKEN
politeness: {concurrency: 16, per_host: 2, delay_ms: 1000, robots: false, user_agent: "bot/1"}
retry: {attempts: 3, backoff_ms: 100, max_backoff_ms: 5000}
limits:
  max_body_bytes: 1048576
  max_decompressed_bytes: 4194304
  connect_timeout_ms: 2000
  total_timeout_ms: 9000
  low_speed_bytes_per_s: 10
  low_speed_time_s: 5
  max_redirects: 0
store_pages: true
strip_tracking_params: false
max_pages: 1000
schedule: "*/30 2-4 1,15 * *"
prepare: {rules: ../rules/shop.yaml, out: ./out/shop}
)yaml";
  JobConfig job;
  Status s = ParseJobYaml(kJob, "configs/jobs/shop.yaml", &job);
  REQUIRE(s.message() == "");

  CHECK(job.name == "shop.v2");
  CHECK(job.source_path == "configs/jobs/shop.yaml");
  REQUIRE(job.sources.size() == 2);

  const SourceSpec& html = job.sources[0];
  CHECK(html.kind == SourceSpec::Kind::kHtml);
  CHECK(html.seeds ==
        std::vector<std::string>{"https://shop.example/", "http://shop.example:8080/start"});
  CHECK(html.sitemaps == std::vector<std::string>{"https://shop.example/sitemap.xml"});
  CHECK(html.scope.domains == std::vector<std::string>{"shop.example", "cdn.shop.example"});
  CHECK(html.scope.max_depth == 3);
  CHECK(html.scope.include == std::vector<std::string>{"^/p/"});
  CHECK(html.scope.exclude == std::vector<std::string>{"\\?sort=", "/cart"});
  CHECK(html.follow == std::vector<std::string>{"a.next", "link[rel=next]"});
  REQUIRE(html.records.has_value());
  CHECK(html.records->when == "div.product");
  CHECK(html.records->list == "li.item");
  REQUIRE(html.records->fields.size() == 4);
  const auto& fields = html.records->fields;
  CHECK(fields[0].name == "title");
  CHECK(fields[0].css == "h1");
  CHECK(fields[0].take == TakeMode::kText);  // the default
  CHECK_FALSE(fields[0].all);
  CHECK(fields[1].name == "price");
  CHECK(fields[1].take == TakeMode::kText);
  CHECK(fields[1].regex == "([0-9.]+)");
  CHECK(fields[2].name == "image");
  CHECK(fields[2].take == TakeMode::kAttr);
  CHECK(fields[2].attr == "src");
  CHECK(fields[2].all);
  CHECK(fields[3].name == "body");
  CHECK(fields[3].take == TakeMode::kInnerHtml);

  const SourceSpec& json = job.sources[1];
  CHECK(json.kind == SourceSpec::Kind::kJson);
  CHECK(json.url == "https://api.shop.example/items");
  CHECK(json.records_path == "$.items[*]");
  REQUIRE(json.json_fields.size() == 2);
  CHECK(json.json_fields[0].name == "id");
  CHECK(json.json_fields[0].path == "$.id");
  CHECK(json.json_fields[1].name == "name");
  CHECK(json.json_fields[1].path == "$.name");
  CHECK(json.paginate.kind == PaginationKind::kOffsetParam);
  CHECK(json.paginate.param == "skip");
  CHECK(json.paginate.start == 0);
  CHECK(json.paginate.step == 50);
  CHECK(json.paginate.max_pages == 20);
  CHECK(json.headers == std::map<std::string, std::string>{{"Accept", "application/json"}});
  CHECK(json.bearer_token_env == "SHOP_TOKEN");

  CHECK(job.politeness.concurrency == 16);
  CHECK(job.politeness.per_host == 2);
  CHECK(job.politeness.delay_ms == 1000);
  CHECK_FALSE(job.politeness.robots);
  CHECK(job.politeness.user_agent == "bot/1");
  CHECK(job.retry.attempts == 3);
  CHECK(job.retry.backoff_ms == 100);
  CHECK(job.retry.max_backoff_ms == 5000);
  CHECK(job.limits.max_body_bytes == 1048576);
  CHECK(job.limits.max_decompressed_bytes == 4194304);
  CHECK(job.limits.connect_timeout_ms == 2000);
  CHECK(job.limits.total_timeout_ms == 9000);
  CHECK(job.limits.low_speed_bytes_per_s == 10);
  CHECK(job.limits.low_speed_time_s == 5);
  CHECK(job.limits.max_redirects == 0);
  CHECK(job.store_pages);
  CHECK_FALSE(job.strip_tracking_params);
  CHECK(job.max_pages == 1000);
  CHECK(job.schedule == "*/30 2-4 1,15 * *");
  // Both paths resolved against the job's folder.
  CHECK(job.prepare_rules == "configs/rules/shop.yaml");
  CHECK(job.prepare_out == "configs/jobs/out/shop");
}

TEST_CASE("a minimal job keeps every default") {
  JobConfig job;
  REQUIRE(ParseJobYaml(kValidHead, "t.yaml", &job).ok());
  const JobConfig defaults;
  CHECK(job.politeness.concurrency == defaults.politeness.concurrency);
  CHECK(job.politeness.user_agent == defaults.politeness.user_agent);
  CHECK(job.retry.attempts == defaults.retry.attempts);
  CHECK(job.limits.max_redirects == 5);
  CHECK(job.sources[0].scope.max_depth == 6);
  CHECK_FALSE(job.sources[0].records.has_value());
  CHECK(job.schedule.empty());
  CHECK(job.prepare_rules.empty());
}

TEST_CASE("each pagination shape sets its kind and parameters") {
  auto paginate = [](std::string_view shape) {
    JobConfig job;
    std::string yaml =
        "name: t\nsources:\n  - kind: json\n    url: \"https://a.example/\"\n"
        "    paginate: " +
        std::string(shape) + "\n";
    Status s = ParseJobYaml(yaml, "t.yaml", &job);
    REQUIRE(s.message() == "");
    return job.sources[0].paginate;
  };
  Pagination next = paginate("{next: \"$.links.next\"}");
  CHECK(next.kind == PaginationKind::kNextLink);
  CHECK(next.next_path == "$.links.next");
  CHECK(next.max_pages == 10000);

  Pagination page = paginate("{param: page, start: 2}");
  CHECK(page.kind == PaginationKind::kPageParam);
  CHECK(page.param == "page");
  CHECK(page.start == 2);

  Pagination offset = paginate("{offset: from}");
  CHECK(offset.kind == PaginationKind::kOffsetParam);
  CHECK(offset.param == "from");
  CHECK(offset.start == 0);  // offsets count from zero unless told
  CHECK(offset.step == 0);   // records per page

  Pagination cursor = paginate("{cursor: \"$.cursor\", param: after}");
  CHECK(cursor.kind == PaginationKind::kCursor);
  CHECK(cursor.cursor_path == "$.cursor");
  CHECK(cursor.param == "after");
}

TEST_CASE("a relative prepare path with no folder in the display name stays as written") {
  JobConfig job;
  REQUIRE(ParseJobYaml(WithValidHead("prepare: {rules: r.yaml, out: o}\n"), "t.yaml", &job).ok());
  CHECK(job.prepare_rules == "r.yaml");
  CHECK(job.prepare_out == "o");
  REQUIRE(
      ParseJobYaml(WithValidHead("prepare: {rules: /etc/r.yaml, out: /srv/o}\n"), "a/t.yaml", &job)
          .ok());
  CHECK(job.prepare_rules == "/etc/r.yaml");
  CHECK(job.prepare_out == "/srv/o");
}

TEST_CASE("a sitemap alone is enough to start an html source") {
  CHECK(
      ErrorOf("name: t\nsources:\n  - kind: html\n    sitemaps: [\"https://a.example/s.xml\"]\n") ==
      "");
}

TEST_CASE("a misspelt key names the key it resembles") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: html\n"
                "    seeds: [\"https://a.example/\"]\n"
                "    scope: {domains: [a.example], max_dept: 3}\n") ==
        "t.yaml:5:35: sources[0].scope: unknown key 'max_dept' (did you mean 'max_depth'?); "
        "allowed keys are domains, max_depth, include, exclude");
}

TEST_CASE("a misspelt kind is caught before kind is reported missing") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - knd: html\n") ==
        "t.yaml:3:5: sources[0]: unknown key 'knd' (did you mean 'kind'?); allowed keys are "
        "kind, seeds, sitemaps, robots_sitemaps, scope, follow, records, url, fields, paginate, "
        "headers, "
        "bearer_token_env");
}

TEST_CASE("an unknown source kind lists the kinds") {
  CHECK(ErrorOf("name: t\nsources:\n  - kind: xml\n") ==
        "t.yaml:3:11: sources[0].kind: expected 'html' or 'json', got \"xml\"");
}

TEST_CASE("an html-only key on a json source is unknown there") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    url: \"https://a.example/\"\n"
                "    seeds: [\"https://a.example/\"]\n") ==
        "t.yaml:5:5: sources[0]: unknown key 'seeds'; allowed keys are kind, url, records, "
        "fields, paginate, headers, bearer_token_env");
}

TEST_CASE("a key given twice is a duplicate, not a silent override") {
  CHECK(ErrorOf("name: t\nname: u\nsources: []\n") ==
        "t.yaml:2:1: duplicate key 'name' (first defined at line 1, column 1)");
}

TEST_CASE("a word where a number belongs is a type error at the value") {
  CHECK(ErrorOf(WithValidHead("politeness:\n  per_host: eight\n")) ==
        "t.yaml:4:13: politeness.per_host: expected a positive integer, got \"eight\"");
}

TEST_CASE("a scalar where a section belongs lists the section's keys") {
  CHECK(ErrorOf(WithValidHead("politeness: fast\n")) ==
        "t.yaml:3:13: politeness: expected a map (with keys concurrency, per_host, delay_ms, "
        "robots, user_agent), got \"fast\"");
}

TEST_CASE("a section whose keys lost their indentation points at the first stray key") {
  CHECK(ErrorOf(WithValidHead("politeness:\nconcurrency: 4\n")) ==
        "t.yaml:4:1: unknown key 'concurrency'; 'politeness' above it has no value: if "
        "'concurrency' belongs to 'politeness', indent it under 'politeness'");
}

TEST_CASE("record fields written at the level of 'fields' are blamed on the empty 'fields'") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: html\n"
                "    seeds: [\"https://a.example/\"]\n"
                "    records:\n"
                "      fields:\n"
                "      title: {css: h1}\n") ==
        "t.yaml:7:7: sources[0].records: unknown key 'title'; 'fields' above it has no value: "
        "if 'title' belongs to 'fields', indent it under 'fields'");
}

TEST_CASE("a list item out of line with its siblings is a syntax error at that line") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: html\n"
                "  seeds: [\"https://a.example/\"]\n") ==
        "t.yaml:4:3: invalid YAML: end of map not found "
        "(this line is indented differently from the keys above it)");
}

TEST_CASE("a regex that does not compile is reported at the regex") {
  std::string error = ErrorOf(
      "name: t\n"
      "sources:\n"
      "  - kind: html\n"
      "    seeds: [\"https://a.example/\"]\n"
      "    scope:\n"
      "      include: [\"(unclosed\"]\n");
  // The part in parentheses is RE2's own explanation.
  CHECK_THAT(error, Catch::StartsWith("t.yaml:6:17: sources[0].scope.include[0]: expected a "
                                      "regular expression (RE2 syntax), got \"(unclosed\" ("));
}

TEST_CASE("a field regex that does not compile is reported at the field's regex") {
  std::string error = ErrorOf(
      "name: t\n"
      "sources:\n"
      "  - kind: html\n"
      "    seeds: [\"https://a.example/\"]\n"
      "    records:\n"
      "      fields:\n"
      "        price: {css: p, regex: \"[0-9\"}\n");
  CHECK_THAT(error, Catch::StartsWith("t.yaml:7:32: sources[0].records.fields.price.regex: "
                                      "expected a regular expression (RE2 syntax), got \"[0-9\" ("));
}

TEST_CASE("a seed that is not http or https is rejected at that seed") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: html\n"
                "    seeds: [\"https://a.example/\", \"ftp://a.example/\"]\n") ==
        "t.yaml:4:35: sources[0].seeds[1]: expected an http:// or https:// URL with a host, got "
        "\"ftp://a.example/\"");
}

TEST_CASE("a seed without a host is rejected") {
  CHECK(ErrorOf("name: t\nsources:\n  - kind: html\n    seeds: [\"https:///x\"]\n") ==
        "t.yaml:4:13: sources[0].seeds[0]: expected an http:// or https:// URL with a host, got "
        "\"https:///x\"");
}

TEST_CASE("an html source with neither seeds nor sitemaps is missing its seeds") {
  CHECK(ErrorOf("name: t\nsources:\n  - kind: html\n    follow: [a]\n") ==
        "t.yaml:3:5: sources[0]: missing required key 'seeds' (or 'sitemaps')");
}

TEST_CASE("a json source without a url is missing its url") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    records: \"$.items[*]\"\n") ==
        "t.yaml:3:5: sources[0]: missing required key 'url'");
}

TEST_CASE("a token written into the job file is refused and the env var way is named") {
  const std::string kAdvice =
      "tokens are never stored in job files; put the token in an environment variable and "
      "give its name as bearer_token_env";
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    url: \"https://api.example/v1\"\n"
                "    token: abc123\n") == "t.yaml:5:5: sources[0]: key 'token': " + kAdvice);
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    url: \"https://api.example/v1\"\n"
                "    bearer_token: abc123\n") ==
        "t.yaml:5:5: sources[0]: key 'bearer_token': " + kAdvice);
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    url: \"https://api.example/v1\"\n"
                "    headers: {Authorization: \"Bearer abc123\"}\n") ==
        "t.yaml:5:15: sources[0].headers: header 'Authorization': " + kAdvice);
}

TEST_CASE("a token pasted in place of the env var's name is refused") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    url: \"https://api.example/v1\"\n"
                "    bearer_token_env: \"abc.def-123\"\n") ==
        "t.yaml:5:23: sources[0].bearer_token_env: expected the name of an environment variable "
        "(letters, digits, '_'), got \"abc.def-123\"");
}

TEST_CASE("pagination without a known shape lists the shapes") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    url: \"https://api.example/v1\"\n"
                "    paginate: {start: 1}\n") ==
        "t.yaml:5:15: sources[0].paginate: expected {next: PATH}, {param: NAME, start: N}, "
        "{offset: NAME, start: N, step: N} or {cursor: PATH, param: NAME}, got none of next, "
        "param, offset, cursor");
}

TEST_CASE("cursor pagination needs the parameter that carries the cursor") {
  CHECK(ErrorOf("name: t\n"
                "sources:\n"
                "  - kind: json\n"
                "    url: \"https://api.example/v1\"\n"
                "    paginate: {cursor: \"$.c\"}\n") ==
        "t.yaml:5:15: sources[0].paginate: missing required key 'param'");
}

TEST_CASE("a cron schedule with four fields is rejected at the schedule") {
  CHECK(ErrorOf(WithValidHead("schedule: \"0 */6 * *\"\n")) ==
        "t.yaml:3:11: schedule: expected 5 fields (minute hour day-of-month month day-of-week), "
        "got 4");
}

TEST_CASE("a cron hour of 24 is out of range") {
  CHECK(ErrorOf(WithValidHead("schedule: \"0 24 * * *\"\n")) ==
        "t.yaml:3:11: schedule: hour field: expected a number from 0 to 23, got \"24\"");
}

TEST_CASE("more than 20 redirects is out of range") {
  CHECK(ErrorOf(WithValidHead("limits: {max_redirects: 25}\n")) ==
        "t.yaml:3:25: limits.max_redirects: expected an integer from 0 to 20, got 25");
}

TEST_CASE("a max backoff below the base backoff is rejected") {
  CHECK(ErrorOf(WithValidHead("retry: {backoff_ms: 500, max_backoff_ms: 100}\n")) ==
        "t.yaml:3:42: retry.max_backoff_ms: max_backoff_ms (100) must be at least backoff_ms "
        "(500)");
}

TEST_CASE("a recrawl block sets an adaptive policy, and without one every run revisits all") {
  JobConfig job;
  REQUIRE(ParseJobYaml(WithValidHead("recrawl: {min_interval: 90s, max_interval: 7d, "
                                     "increase: 1.5, decrease: 0.5}\n"),
                       "t.yaml", &job)
              .ok());
  CHECK(job.recrawl.adaptive);
  CHECK(job.recrawl.min_interval_micros == 90 * 1000000LL);
  CHECK(job.recrawl.max_interval_micros == 7 * 86400 * 1000000LL);
  CHECK(job.recrawl.increase == 1.5);
  CHECK(job.recrawl.decrease == 0.5);
  REQUIRE(ParseJobYaml(WithValidHead("recrawl: {}\n"), "t.yaml", &job).ok());
  CHECK(job.recrawl.adaptive);
  CHECK(job.recrawl.min_interval_micros == 3600 * 1000000LL);
  REQUIRE(ParseJobYaml(kValidHead, "t.yaml", &job).ok());
  CHECK_FALSE(job.recrawl.adaptive);
}

TEST_CASE("recrawl.remove_unlinked alone keeps every run revisiting every known URL") {
  JobConfig job;
  REQUIRE(ParseJobYaml(WithValidHead("recrawl: {remove_unlinked: true}\n"), "t.yaml", &job).ok());
  CHECK(job.recrawl.remove_unlinked);
  CHECK_FALSE(job.recrawl.adaptive);
  REQUIRE(ParseJobYaml(WithValidHead("recrawl: {remove_unlinked: true, max_interval: 2d}\n"),
                       "t.yaml", &job)
              .ok());
  CHECK(job.recrawl.remove_unlinked);
  CHECK(job.recrawl.adaptive);
  REQUIRE(ParseJobYaml(WithValidHead("recrawl: {}\n"), "t.yaml", &job).ok());
  CHECK_FALSE(job.recrawl.remove_unlinked);
}

TEST_CASE("a recrawl.remove_unlinked that is not true or false is rejected at the value") {
  CHECK_THAT(ErrorOf(WithValidHead("recrawl: {remove_unlinked: yes}\n")),
             Catch::StartsWith("t.yaml:3:28: recrawl.remove_unlinked: expected true or false"));
}

TEST_CASE("a job that removes unlinked pages is refused for gleaner worker processes") {
  JobConfig job;
  REQUIRE(ParseJobYaml(WithValidHead("recrawl: {remove_unlinked: true}\n"), "t.yaml", &job).ok());
  Status refused = CheckWorkerCrawlable(job);
  CHECK(refused.IsInvalidArgument());
  CHECK_THAT(refused.message(), Catch::Contains("recrawl.remove_unlinked: not supported"));
  REQUIRE(ParseJobYaml(kValidHead, "t.yaml", &job).ok());
  CHECK(CheckWorkerCrawlable(job).ok());
}

TEST_CASE("a recrawl interval without a unit, or factors the wrong side of 1, are rejected") {
  CHECK_THAT(ErrorOf(WithValidHead("recrawl: {min_interval: 10}\n")),
             Catch::StartsWith("t.yaml:3:25: recrawl.min_interval: expected a duration"));
  CHECK_THAT(ErrorOf(WithValidHead("recrawl: {min_interval: 2h, max_interval: 1h}\n")),
             Catch::StartsWith("t.yaml:3:43: recrawl.max_interval: max_interval must be at "
                               "least min_interval"));
  CHECK(ErrorOf(WithValidHead("recrawl: {increase: 1}\n")) ==
        "t.yaml:3:21: recrawl.increase: increase must be above 1");
  CHECK(ErrorOf(WithValidHead("recrawl: {decrease: 1}\n")) ==
        "t.yaml:3:21: recrawl.decrease: decrease must be above 0 and below 1");
  CHECK_THAT(ErrorOf(WithValidHead("recrawl: {every: 1h}\n")), Catch::Contains("every"));
}

TEST_CASE("a job name with a space is rejected at the name") {
  CHECK(ErrorOf("name: my books\nsources: [{kind: html, seeds: [\"https://a.example/\"]}]\n") ==
        "t.yaml:1:7: name: job name 'my books' may only contain letters, digits, '_', '.' and "
        "'-'");
}

TEST_CASE("a job without a name is missing its name") {
  CHECK(ErrorOf("sources: [{kind: html, seeds: [\"https://a.example/\"]}]\n") ==
        "t.yaml:1:1: missing required key 'name'");
}

TEST_CASE("a job with an empty source list has nothing to crawl") {
  CHECK(ErrorOf("name: t\nsources: []\n") ==
        "t.yaml:2:10: sources: expected at least one source, got an empty list");
}

// A job whose one html source has the record field `field` (line 7, the
// field's map from column 16).
std::string WithField(std::string_view field) {
  return "name: t\n"
         "sources:\n"
         "  - kind: html\n"
         "    seeds: [\"https://a.example/\"]\n"
         "    records:\n"
         "      fields:\n"
         "        " +
         std::string(field) + "\n";
}

TEST_CASE("an html field with two ways to take its value is blamed at the second") {
  CHECK(ErrorOf(WithField("title: {css: h1, text: true, attr: title}")) ==
        "t.yaml:7:44: sources[0].records.fields.title.attr: 'attr' cannot be combined with "
        "'text': a field takes its value one way, 'text: true', 'text: raw', 'attr: NAME', "
        "'html: true' or 'count: true'");
  CHECK_THAT(ErrorOf(WithField("n: {css: li, attr: href, count: true}")),
             Catch::StartsWith("t.yaml:7:41: sources[0].records.fields.n.count: 'count' cannot be "
                               "combined with 'attr'"));
  CHECK_THAT(ErrorOf(WithField("n: {css: li, count: true, text: raw}")),
             Catch::StartsWith("t.yaml:7:41: sources[0].records.fields.n.text: 'text' cannot be "
                               "combined with 'count'"));
}

TEST_CASE("a field with every way switched off takes nothing") {
  CHECK(ErrorOf(WithField("n: {css: li, count: false}")) ==
        "t.yaml:7:12: sources[0].records.fields.n: expected one of 'text: true', 'text: raw', "
        "'attr: NAME', 'html: true' or 'count: true', got none switched on");
}

TEST_CASE("text takes true, false or raw, in any case") {
  JobConfig job;
  REQUIRE(ParseJobYaml(WithField("code: {css: pre, text: RAW}"), "t.yaml", &job).ok());
  CHECK(job.sources[0].records->fields[0].take == TakeMode::kRawText);
  CHECK(ErrorOf(WithField("code: {css: pre, text: rwa}")) ==
        "t.yaml:7:32: sources[0].records.fields.code.text: expected true, false or raw, got "
        "\"rwa\"");
}

TEST_CASE("count, raw text and exclude are read into the field") {
  JobConfig job;
  Status s = ParseJobYaml(WithField("n: {css: li, count: true}") +
                              "        t: {css: h2, exclude: a.headerlink}\n"
                              "        b: {css: p, html: true, exclude: [.ad, \"span > i\"]}\n"
                              "        c: {css: pre, text: raw}\n",
                          "t.yaml", &job);
  REQUIRE(s.message() == "");
  const auto& fields = job.sources[0].records->fields;
  REQUIRE(fields.size() == 4);
  CHECK(fields[0].take == TakeMode::kCount);
  CHECK(fields[1].take == TakeMode::kText);
  CHECK(fields[1].exclude == std::vector<std::string>{"a.headerlink"});
  CHECK(fields[2].take == TakeMode::kInnerHtml);
  CHECK(fields[2].exclude == std::vector<std::string>{".ad", "span > i"});
  CHECK(fields[3].take == TakeMode::kRawText);
  CHECK(fields[3].exclude.empty());
}

TEST_CASE("count rejects regex and all, and exclude needs text or html") {
  CHECK(ErrorOf(WithField("n: {css: li, count: true, regex: \"\\\\d\"}")) ==
        "t.yaml:7:42: sources[0].records.fields.n.regex: 'regex' does not apply to 'count: "
        "true': a count has no text to match");
  CHECK(ErrorOf(WithField("n: {css: li, count: true, all: true}")) ==
        "t.yaml:7:40: sources[0].records.fields.n.all: 'all' does not apply to 'count: true': "
        "a count counts every match already");
  CHECK(ErrorOf(WithField("n: {css: li, count: true, exclude: b}")) ==
        "t.yaml:7:44: sources[0].records.fields.n.exclude: 'exclude' does not apply to "
        "'count: true': it leaves elements out of a field's text or html");
  CHECK(ErrorOf(WithField("n: {css: a, attr: href, exclude: [b]}")) ==
        "t.yaml:7:42: sources[0].records.fields.n.exclude: 'exclude' does not apply to "
        "'attr': it leaves elements out of a field's text or html");
  CHECK_THAT(ErrorOf(WithField("t: {css: h2, exclude: \"a[\"}")),
             Catch::StartsWith("t.yaml:7:31: sources[0].records.fields.t.exclude: css selector "
                               "'a['"));
  CHECK(ErrorOf(WithField("t: {css: h2, exclude: []}")) ==
        "t.yaml:7:31: sources[0].records.fields.t.exclude: expected a selector or a list of "
        "selectors, got an empty list");
}

TEST_CASE("an unreadable job file is an I/O error") {
  JobConfig job;
  Status s = ParseJobFile("/nonexistent/job.yaml", &job);
  CHECK(s.code() == Status::Code::kIOError);
}

TEST_CASE("a failed parse leaves the output untouched") {
  JobConfig job;
  job.name = "before";
  REQUIRE_FALSE(ParseJobYaml("name: after\nsources: []\n", "t.yaml", &job).ok());
  CHECK(job.name == "before");
}

// demo.yaml is a template: `gleaner demo` puts its fixture server's address
// where "{{site}}" stands, so the test does the same.
std::string FillDemoSite(std::string text) {
  const std::string placeholder = "{{site}}";
  for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder)) {
    text.replace(at, placeholder.size(), "http://127.0.0.1:8080");
  }
  return text;
}

TEST_CASE("every job in configs/jobs parses") {
  const std::filesystem::path dir = std::filesystem::path(GLEANER_SOURCE_DIR) / "configs/jobs";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    JobConfig job;
    Status s = ParseJobYaml(FillDemoSite(text.str()), entry.path().string(), &job);
    INFO(entry.path().string());
    CHECK(s.message() == "");
    ++parsed;
  }
  CHECK(parsed >= 2);  // books.yaml and api.yaml at least
}

TEST_CASE("the books example resolves its rules next to the jobs folder") {
  const std::string root = GLEANER_SOURCE_DIR;
  JobConfig job;
  REQUIRE(ParseJobFile(root + "/configs/jobs/books.yaml", &job).ok());
  CHECK(job.name == "books");
  REQUIRE(job.sources.size() == 2);
  CHECK(job.sources[1].paginate.kind == PaginationKind::kNextLink);
  CHECK(job.prepare_rules == root + "/configs/rules/books.yaml");
  CHECK(job.prepare_out == root + "/out/books");
}

TEST_CASE("the api example reads its token from the environment and pages by cursor") {
  JobConfig job;
  REQUIRE(ParseJobFile(std::string(GLEANER_SOURCE_DIR) + "/configs/jobs/api.yaml", &job).ok());
  REQUIRE(job.sources.size() == 1);
  CHECK(job.sources[0].bearer_token_env == "ORDERS_API_TOKEN");
  CHECK(job.sources[0].paginate.kind == PaginationKind::kCursor);
  CHECK(job.sources[0].paginate.param == "after");
  CHECK(job.sources[0].paginate.max_pages == 500);
}

}  // namespace
}  // namespace gleaner::crawler
