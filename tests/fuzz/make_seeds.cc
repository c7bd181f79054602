// gleaner-fuzz-seeds SOURCE_DIR OUT_DIR: writes a seed corpus per fuzz target
// under OUT_DIR/<target>/ from what the repository already holds -- the
// fixture site's pages, robots.txt, sitemap and API responses, the example
// jobs and rules in configs/, and the string literals of the unit tests --
// so no seed files are committed. Deterministic: the same tree gives the same
// seeds. Exit 1 when a source file cannot be read.
#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "crawler/extract/css_selector.h"
#include "crawler/job/job_parser.h"
#include "demo/api_catalog.h"
#include "demo/site_catalog.h"
#include "ingest/profile/dataset_profile.h"
#include "schema/gleaner_service.pb.h"
#include "tests/fuzz/extraction_spec.h"

namespace {

namespace fs = std::filesystem;
using namespace gleaner;

fs::path source_dir;
fs::path out_dir;

// `in` compressed by zlib's own deflate: window_bits 15 + 16 for gzip, 15 for
// the zlib format, -15 for raw deflate.
std::string Deflated(const std::string& in, int window_bits) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::exit(1);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::exit(1);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string ReadSource(const std::string& relative) {
  std::ifstream in(source_dir / relative, std::ios::binary);
  if (!in) {
    std::cerr << "gleaner-fuzz-seeds: cannot read " << (source_dir / relative) << "\n";
    std::exit(1);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes each distinct seed once as OUT_DIR/target/seed-N.
class Corpus {
 public:
  explicit Corpus(const std::string& target) : dir_(out_dir / target) {
    fs::create_directories(dir_);
  }
  void Add(const std::string& seed) {
    if (!seen_.insert(seed).second) return;
    std::ofstream(dir_ / ("seed-" + std::to_string(seen_.size())), std::ios::binary) << seed;
  }

 private:
  fs::path dir_;
  std::set<std::string> seen_;
};

// The string literals of a C++ source, adjacent ones joined as the compiler
// joins them: "..." with the usual escapes, and R"delim(...)delim".
std::vector<std::string> StringLiterals(const std::string& relative) {
  const std::string code = ReadSource(relative);
  std::vector<std::string> literals;
  bool joining = false;
  size_t i = 0;
  while (i < code.size()) {
    std::string literal;
    if (code.compare(i, 2, "R\"") == 0) {
      size_t open = code.find('(', i);
      if (open == std::string::npos) break;
      std::string close = ")" + code.substr(i + 2, open - i - 2) + "\"";
      size_t end = code.find(close, open);
      if (end == std::string::npos) break;
      literal = code.substr(open + 1, end - open - 1);
      i = end + close.size();
    } else if (code[i] == '"' && (i == 0 || code[i - 1] != '\'')) {
      for (++i; i < code.size() && code[i] != '"'; ++i) {
        if (code[i] != '\\' || i + 1 == code.size()) {
          literal += code[i];
          continue;
        }
        char escaped = code[++i];
        literal += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r'
                   : escaped == '0' ? '\0' : escaped;
      }
      ++i;
    } else {
      if (!std::isspace(static_cast<unsigned char>(code[i]))) joining = false;
      ++i;
      continue;
    }
    if (joining) {
      literals.back() += literal;
    } else {
      literals.push_back(literal);
    }
    joining = true;
  }
  return literals;
}

crawler::JobConfig ExampleJob(const std::string& name) {
  std::string yaml = ReadSource("configs/jobs/" + name);
  // demo.yaml names its site "{{site}}" until the demo fills it in.
  for (size_t at; (at = yaml.find("{{site}}")) != std::string::npos;) {
    yaml.replace(at, 8, "http://127.0.0.1:8080");
  }
  crawler::JobConfig job;
  Status s = crawler::ParseJobYaml(yaml, name, &job);
  if (!s.ok()) {
    std::cerr << "gleaner-fuzz-seeds: " << s.ToString() << "\n";
    std::exit(1);
  }
  return job;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: gleaner-fuzz-seeds SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  source_dir = argv[1];
  out_dir = argv[2];

  const demo::SiteCatalog site(60, 1);
  const std::string base_url = "http://127.0.0.1:8080";
  std::vector<std::string> pages = {
      *site.RenderPage("/"), *site.RenderPage("/catalogue/page-1.html"),
      demo::SiteCatalog::MalformedPage(), demo::SiteCatalog::DocsPage()};
  for (const demo::ExpectedProduct& product : site.ExpectedProducts()) {
    if (product.id == 4 || product.id == 7 || product.id == 11 || product.id == 20) {
      pages.push_back(*site.RenderPage(product.path));
    }
  }
  const demo::ApiCatalog api(40, 10, 1);
  std::vector<std::string> api_bodies = {api.Page("/api/items", 1).dump(2),
                                         api.AfterCursor("")->dump(), api.Offset(30, 20).dump()};

  std::vector<crawler::SourceSpec> html_sources, json_sources;
  std::vector<std::string> selectors, paths, schedules;
  for (const char* name : {"books.yaml", "demo.yaml", "api.yaml"}) {
    crawler::JobConfig job = ExampleJob(name);
    if (!job.schedule.empty()) schedules.push_back(job.schedule);
    for (const crawler::SourceSpec& source : job.sources) {
      if (source.kind == crawler::SourceSpec::Kind::kHtml) {
        html_sources.push_back(source);
        selectors.insert(selectors.end(), source.follow.begin(), source.follow.end());
        if (source.records) {
          for (const std::string& s : {source.records->when, source.records->list}) {
            if (!s.empty()) selectors.push_back(s);
          }
          for (const auto& field : source.records->fields) selectors.push_back(field.css);
        }
      } else {
        json_sources.push_back(source);
        paths.push_back(source.records_path);
        for (const auto& field : source.json_fields) paths.push_back(field.path);
      }
    }
  }

  {
    Corpus robots("robots");
    std::vector<std::string> bodies = {site.RobotsTxt(base_url, 0), site.RobotsTxt(base_url, 2)};
    for (const std::string& literal : StringLiterals("crawler/robots/robots_rules_test.cc")) {
      if (literal.find('\n') != std::string::npos) bodies.push_back(literal);
    }
    const char* asked[] = {"/", "/private/notes-5.html", "/catalogue/page-1.html?sort=x"};
    for (size_t i = 0; i < bodies.size(); ++i) robots.Add(std::string(asked[i % 3]) + "\n" + bodies[i]);
  }
  {
    Corpus url("url");
    std::vector<std::string> bases, refs;
    for (const char* test : {"crawler/url/url_normalizer_test.cc", "crawler/url/percent_encoding_test.cc"}) {
      for (const std::string& literal : StringLiterals(test)) {
        if (literal.find('\n') != std::string::npos || literal.size() > 200) continue;
        (literal.starts_with("http") ? bases : refs).push_back(literal);
      }
    }
    for (size_t i = 0; i < bases.size(); ++i) url.Add(bases[i] + "\n" + (refs.empty() ? "" : refs[i % refs.size()]));
    for (size_t i = 0; i < refs.size() && !bases.empty(); ++i) url.Add(bases[i % bases.size()] + "\n" + refs[i]);
  }
  {
    Corpus css("css_selector");
    std::vector<std::string> documents;
    for (const char* test : {"crawler/extract/css_selector_test.cc", "crawler/extract/html_text_test.cc"}) {
      for (const std::string& literal : StringLiterals(test)) {
        crawler::CssSelector parsed;
        if (literal.find('<') != std::string::npos) {
          documents.push_back(literal);
        } else if (literal.find('\n') == std::string::npos && crawler::CssSelector::Parse(literal, &parsed).ok()) {
          selectors.push_back(literal);
        }
      }
    }
    for (size_t i = 0; i < selectors.size() && !documents.empty(); ++i) {
      css.Add(selectors[i] + "\n" + documents[i % documents.size()]);
    }
    for (size_t i = 0; i < pages.size(); ++i) css.Add(selectors[i % selectors.size()] + "\n" + pages[i]);
  }
  {
    Corpus json_path("json_path");
    std::vector<std::string> documents = api_bodies;
    for (const char* test : {"crawler/extract/json_path_test.cc", "crawler/extract/json_extractor_test.cc"}) {
      for (const std::string& literal : StringLiterals(test)) {
        if (literal.starts_with("$")) {
          paths.push_back(literal);
        } else if (literal.starts_with("{") || literal.starts_with("[")) {
          documents.push_back(literal);
        }
      }
    }
    for (size_t i = 0; i < paths.size(); ++i) json_path.Add(paths[i] + "\n" + documents[i % documents.size()]);
    for (size_t i = 0; i < documents.size(); ++i) json_path.Add(paths[i % paths.size()] + "\n" + documents[i]);

    Corpus json_extract("json_extract");
    for (const crawler::SourceSpec& source : json_sources) {
      for (const std::string& document : documents) json_extract.Add(fuzz::WriteJsonSpec(source) + document);
    }
    crawler::SourceSpec whole;  // records kept whole: one field per key
    whole.records_path = "$.items[*]";
    for (const std::string& document : documents) json_extract.Add(fuzz::WriteJsonSpec(whole) + document);
  }
  {
    Corpus html_extract("html_extract");
    crawler::SourceSpec links_only;
    links_only.follow = {"link[rel=next]", "img.pager"};
    html_sources.push_back(links_only);
    crawler::SourceSpec docs;  // the field options no example job uses
    crawler::HtmlFieldSpec title{"title", "h2",  crawler::TakeMode::kText, "",
                                 "",      false, {"a.headerlink"}};
    crawler::HtmlFieldSpec code{"code", "pre", crawler::TakeMode::kRawText, "", "", true, {".gp"}};
    crawler::HtmlFieldSpec blocks{"blocks", "pre", crawler::TakeMode::kCount, "", "", false, {}};
    docs.records = crawler::HtmlRecordSpec{"", "div.section", {title, code, blocks}};
    html_sources.push_back(docs);
    for (const crawler::SourceSpec& source : html_sources) {
      for (const std::string& page : pages) html_extract.Add(fuzz::WriteHtmlSpec(source) + page);
    }
  }
  {
    Corpus rules("rules_yaml");
    for (const char* name : {"books.yaml", "demo.yaml"}) rules.Add(ReadSource(std::string("configs/rules/") + name));
    for (const std::string& literal : StringLiterals("ingest/rules/rules_parser_test.cc")) {
      if (literal.find('\n') != std::string::npos) rules.Add(literal);
    }
    Corpus jobs("job_yaml");
    for (const char* name : {"books.yaml", "demo.yaml", "api.yaml"}) jobs.Add(ReadSource(std::string("configs/jobs/") + name));
    for (const std::string& literal : StringLiterals("crawler/job/job_parser_test.cc")) {
      if (literal.find('\n') != std::string::npos) jobs.Add(literal);
    }
  }
  {
    Corpus cron("cron");
    for (const std::string& literal : StringLiterals("crawler/job/cron_expression_test.cc")) {
      if (literal.find(' ') != std::string::npos && literal.size() < 80) schedules.push_back(literal);
    }
    // A start time (seconds since 1970, here 2024-03-01) on the first line.
    for (const std::string& schedule : schedules) cron.Add("1709251200\n" + schedule);
  }
  {
    Corpus sitemap("sitemap");
    sitemap.Add(site.SitemapXml(base_url));
    for (const std::string& literal : StringLiterals("crawler/sitemap/sitemap_parser_test.cc")) {
      if (literal.find('\n') != std::string::npos || literal.starts_with("<")) sitemap.Add(literal);
    }
  }
  {
    Corpus ingest("ingest_batch");
    v1::IngestBatch batch;
    batch.set_job("shop");
    batch.set_batch_id(7);
    for (const demo::ExpectedProduct& product : site.ExpectedProducts()) {
      if (batch.records_size() == 3) break;
      v1::Record* record = batch.add_records();
      record->set_source_url(base_url + product.path);
      for (const auto& [name, value] : {std::pair{"title", product.title}, {"price", product.price}}) {
        v1::Field* field = record->add_fields();
        field->set_name(name);
        field->mutable_value()->set_string_value(value);
      }
    }
    ingest.Add(batch.SerializeAsString());
    batch.mutable_records(1)->set_job("other");   // a record of another job
    ingest.Add(batch.SerializeAsString());
    batch.mutable_records(1)->set_job("shop");
    batch.mutable_records(2)->set_source_url(batch.records(0).source_url());  // a duplicate
    ingest.Add(batch.SerializeAsString());
  }
  {
    // ETAG \n IF-NONE-MATCH \n HTTP-DATE, from the parsers' own tests.
    Corpus conditional("conditional_request");
    std::vector<std::string> tags, dates;
    for (const std::string& literal : StringLiterals("demo/conditional_request_test.cc")) {
      if (literal.find('"') != std::string::npos || literal == "*") {
        tags.push_back(literal);
      } else if (literal.find(':') != std::string::npos && literal.find(' ') != std::string::npos) {
        dates.push_back(literal);
      }
    }
    for (size_t i = 0; i < tags.size() && !dates.empty(); ++i) {
      conditional.Add(tags[i] + "\n" + tags[(i + 1) % tags.size()] + "\n" + dates[i % dates.size()]);
    }
  }
  {
    // The fixture's pages under each coding the fetcher undoes.
    Corpus decoding("content_decoding");
    for (const std::string& page : {demo::SiteCatalog::MalformedPage(), std::string("<p>hi</p>")}) {
      decoding.Add("gzip\n" + Deflated(page, 15 + 16));
      decoding.Add("deflate\n" + Deflated(page, 15));
      decoding.Add("deflate\n" + Deflated(page, -15));
      decoding.Add("gzip, gzip\n" + Deflated(Deflated(page, 15 + 16), 15 + 16));
      std::string zstd(ZSTD_compressBound(page.size()), '\0');
      zstd.resize(ZSTD_compress(zstd.data(), zstd.size(), page.data(), page.size(), 3));
      decoding.Add("zstd\n" + zstd);
      size_t brotli_size = BrotliEncoderMaxCompressedSize(page.size());
      std::string brotli(brotli_size, '\0');
      BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
                            page.size(), reinterpret_cast<const uint8_t*>(page.data()),
                            &brotli_size, reinterpret_cast<uint8_t*>(brotli.data()));
      brotli.resize(brotli_size);
      decoding.Add("br\n" + brotli);
      decoding.Add("identity\n" + page);
    }
  }
  {
    // Profiles of a few rows of each column type, nulls and a NaN included.
    using profile::ColumnDescription;
    using schema::ColumnType;
    Corpus profiles("profile_json");
    // With a key sample (two rows a key) comparing n and s.
    profile::DatasetProfile small({{"n", ColumnType::kInt64, false},
                                   {"x", ColumnType::kDouble, false},
                                   {"s", ColumnType::kString, true},
                                   {"t", ColumnType::kTimestampMicros, false},
                                   {"b", ColumnType::kBool, false}},
                                  profile::KeySample("n", {{"n", 0}, {"s", 2}}));
    for (int i = 0; i < 12; ++i) {
      std::vector<v1::Value> row(5);
      if (i % 4 != 0) row[0].set_int_value(i * 7);
      row[1].set_double_value(i == 5 ? std::nan("") : i / 3.0);
      row[2].set_string_value(i % 3 == 0 ? "caf\xC3\xA9" : "tea");
      row[3].set_timestamp_micros(1700000000000000 + i);
      row[4].set_bool_value(i % 2 == 0);
      const uint64_t key_hash = 0x9e3779b97f4a7c15 * static_cast<uint64_t>(i / 2);
      small.AddKeyedRow(static_cast<size_t>(i % 3), key_hash, row);
      profiles.Add(small.ToJson().dump());
    }
    profiles.Add(profile::DatasetProfile().ToJson().dump());
  }
  {
    Corpus parquet("parquet");  // FuzzedDataProvider input: any bytes will do
    parquet.Add(std::string(64, '\x01'));
    parquet.Add(std::string(256, '\xA5'));
  }
  return 0;
}
