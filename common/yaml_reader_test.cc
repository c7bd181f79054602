#include "common/yaml_reader.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include "tests/support/temp_dir.h"

namespace gleaner::yaml {
namespace {

// Loads `text` as "t.yaml", lets `read` walk it, and returns the first error.
Status Read(std::string_view text, const std::function<void(Node)>& read) {
  Document doc;
  Status loaded = doc.LoadString(text, "t.yaml");
  if (!loaded.ok()) return loaded;
  read(doc.Root());
  return doc.status();
}

TEST_CASE("a syntax error names the file, line and column and explains the indentation") {
  Document doc;
  Status s = doc.LoadString("a:\n  b: 1\n c: 2\n", "t.yaml");
  REQUIRE(s.IsInvalidArgument());
  CHECK(s.message() ==
        "t.yaml:3:2: invalid YAML: end of map not found "
        "(this line is indented differently from the keys above it)");
}

TEST_CASE("an unclosed flow list is a syntax error at the line after it") {
  Document doc;
  Status s = doc.LoadString("seeds: [a, b\n", "t.yaml");
  CHECK(s.message() ==
        "t.yaml:2:1: invalid YAML: end of sequence flow not found (a '[' is not closed by ']')");
}

TEST_CASE("a tab in the indentation is named as the cause") {
  Document doc;
  Status s = doc.LoadString("sources:\n\t- kind: html\n", "t.yaml");
  CHECK(s.message() ==
        "t.yaml:2:2: invalid YAML: illegal block entry (indent with spaces, not tabs)");
}

TEST_CASE("a second document in one file is rejected where it starts") {
  Document doc;
  Status s = doc.LoadString("a: 1\n---\nb: 2\n", "t.yaml");
  CHECK(s.message() == "t.yaml:3:1: expected one YAML document, got a second one (after '---')");
}

// YAML::LoadAll read ',' as an endless run of empty documents and allocated until it aborted.
TEST_CASE("a one-byte ',' is a stray token, not an endless run of empty documents") {
  Document doc;
  CHECK(doc.LoadString(",", "t.yaml").message() == "t.yaml:1:1: invalid YAML: unexpected ','");
}

TEST_CASE("tokens that cannot start a value are refused where they stand") {
  const std::pair<std::string, std::string> cases[] = {
      {"---\n,", "t.yaml:2:1: invalid YAML: unexpected ','"},
      {",,", "t.yaml:1:1: invalid YAML: unexpected ','"},
      {", a: 1", "t.yaml:1:1: invalid YAML: unexpected ','"},
      {"?", "t.yaml:1:1: invalid YAML: unknown token"},
      {"]", "t.yaml:1:1: invalid YAML: illegal flow end"},
      {"a: 1\n}", "t.yaml:2:1: invalid YAML: illegal flow end"},
  };
  for (const auto& [text, message] : cases) {
    Document doc;
    INFO(text);
    CHECK(doc.LoadString(text, "t.yaml").message() == message);
  }
}

TEST_CASE("a second document after '...' is rejected like one after '---'") {
  Document doc;
  CHECK(doc.LoadString("a: 1\n...\nb: 2\n", "t.yaml").message() ==
        "t.yaml:3:1: expected one YAML document, got a second one (after '---')");
}

TEST_CASE("an explicit start marker before the only document is fine") {
  Status s = Read("---\na: 1\n...\n", [](Node root) { root.AsMap({"a"}).Required("a"); });
  CHECK(s.ok());
}

TEST_CASE("text one byte over the size limit is refused unparsed") {
  std::string text(kMaxDocumentBytes, '#');
  Document fits;
  CHECK(fits.LoadString(text, "t.yaml").ok());
  text += '#';
  Document over;
  CHECK(over.LoadString(text, "t.yaml").message() ==
        "t.yaml:1:1: longer than 1048576 bytes, the limit for a YAML document");
}

TEST_CASE("an endless file such as /dev/zero is read only up to the size limit") {
  Document doc;
  Status s = doc.LoadFile("/dev/zero");
  CHECK(s.message() == "/dev/zero:1:1: longer than 1048576 bytes, the limit for a YAML document");
}

TEST_CASE("a directory given as a YAML file is named as a directory") {
  testing::TempDir dir;
  Document doc;
  Status s = doc.LoadFile(dir.path());
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == dir.path() + ": is a directory, expected a YAML file");
}

TEST_CASE("10,000 nested flow lists stop at the nesting limit, positioned") {
  const std::string text = std::string(10000, '[') + std::string(10000, ']');
  Document doc;
  CHECK(doc.LoadString(text, "t.yaml").message() == "t.yaml:1:" + std::to_string(kMaxNesting + 1) +
                                                        ": nesting deeper than " +
                                                        std::to_string(kMaxNesting) + " levels");
}

TEST_CASE("10,000 nested block lists and maps stop at the nesting limit") {
  std::string lists;
  for (int i = 0; i < 10000; ++i) lists += "- ";
  std::string maps;
  for (int i = 0; i < 1000; ++i) maps += std::string(i, ' ') + "k:\n";
  for (const std::string& text : {lists + "x\n", maps}) {
    Document doc;
    Status s = doc.LoadString(text, "t.yaml");
    CHECK(
        s.message().ends_with(": nesting deeper than " + std::to_string(kMaxNesting) + " levels"));
  }
}

TEST_CASE("nesting up to the limit is read") {
  const std::string text =
      std::string(kMaxNesting - 1, '[') + "[a]" + std::string(kMaxNesting - 1, ']');
  Document doc;
  REQUIRE(doc.LoadString(text, "t.yaml").ok());
  Node node = doc.Root();
  for (int depth = 1; depth < kMaxNesting; ++depth) node = node.Items().at(0);
  std::vector<std::string> innermost;
  CHECK(node.ReadStringList(&innermost));
  CHECK(innermost == std::vector<std::string>{"a"});
}

TEST_CASE("an alias reads as the value its anchor names") {
  std::vector<std::string> a, b;
  Status s = Read("a: &seeds [x, y]\nb: *seeds\n", [&](Node root) {
    MapReader map = root.AsMap({"a", "b"});
    map.Get("a").ReadStringList(&a);
    map.Get("b").ReadStringList(&b);
  });
  REQUIRE(s.ok());
  CHECK(b == std::vector<std::string>{"x", "y"});
  CHECK(a == b);
}

TEST_CASE("aliases that multiply a value a billion times are refused") {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j > 0 ? ", " : "") + prev;
    text += "]\n";
  }
  Document doc;
  Status s = doc.LoadString(text, "t.yaml");
  CHECK(s.message().ends_with(": aliases expand the document by more than 1048576 bytes"));
}

TEST_CASE("an alias inside the value it names is refused, not a cycle") {
  Document doc;
  CHECK(doc.LoadString("a: &a [*a]\n", "t.yaml").message() ==
        "t.yaml:1:8: an alias inside the value it refers to");
}

// The duplicate check compared each key with every earlier one: 100,000 keys took minutes.
TEST_CASE("a duplicate after 100,000 distinct keys is found in well under quadratic time") {
  std::string text;
  // "k00000: 1" to "k99999: 1": 1,000,000 bytes, just under the size limit.
  for (int i = 0; i < 100000; ++i) text += "k" + std::to_string(100000 + i).substr(1) + ": 1\n";
  text += "k00000: 2\n";
  const auto start = std::chrono::steady_clock::now();
  Status s = Read(text, [](Node root) { root.AsOpenMap(); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(s.message() ==
        "t.yaml:100001:1: duplicate key 'k00000' (first defined at line 1, column 1)");
  CHECK(elapsed < std::chrono::seconds(20));  // the quadratic scan takes minutes
}

TEST_CASE("every key of a big map is found by Get") {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  Status s = Read(text, [](Node root) {
    MapReader map = root.AsOpenMap();
    for (int i = 0; i < 50000; i += 997) {
      int value = -1;
      REQUIRE(map.Has("k" + std::to_string(i)));
      map.Get("k" + std::to_string(i)).ReadInt(0, 1 << 30, &value);
      CHECK(value == i);
    }
    CHECK_FALSE(map.Has("k50000"));
    CHECK_FALSE(map.Get("k50000").present());
  });
  CHECK(s.ok());
}

TEST_CASE("a misspelled key is rejected with the closest allowed key and the full list") {
  Status s = Read("scope:\n  domains: [a]\n  max_dept: 3\n", [](Node root) {
    MapReader map = root.AsMap({"scope"});
    map.Get("scope").AsMap({"domains", "max_depth", "include", "exclude"});
  });
  CHECK(s.message() ==
        "t.yaml:3:3: scope: unknown key 'max_dept' (did you mean 'max_depth'?); "
        "allowed keys are domains, max_depth, include, exclude");
}

TEST_CASE("an unknown key far from every allowed key gets no suggestion") {
  Status s = Read("colour: red\n", [](Node root) { root.AsMap({"name", "sources"}); });
  CHECK(s.message() == "t.yaml:1:1: unknown key 'colour'; allowed keys are name, sources");
}

TEST_CASE("a duplicate key is rejected at its second occurrence") {
  Status s = Read("a: 1\nb: 2\na: 3\n", [](Node root) { root.AsMap({"a", "b"}); });
  CHECK(s.message() == "t.yaml:3:1: duplicate key 'a' (first defined at line 1, column 1)");
}

TEST_CASE("a duplicate key inside a flow map is rejected too") {
  Status s = Read("h: {x: 1, x: 2}\n", [](Node root) { root.AsMap({"h"}).Get("h").AsOpenMap(); });
  CHECK(s.message() == "t.yaml:1:11: h: duplicate key 'x' (first defined at line 1, column 5)");
}

TEST_CASE("a word where an integer belongs names the dotted path and what was there") {
  Status s = Read("politeness:\n  per_host: eight\n", [](Node root) {
    int per_host = 8;
    root.AsMap({"politeness"})
        .Get("politeness")
        .AsMap({"per_host"})
        .Get("per_host")
        .ReadInt(1, std::numeric_limits<int>::max(), &per_host);
  });
  CHECK(s.message() ==
        "t.yaml:2:13: politeness.per_host: expected a positive integer, got \"eight\"");
}

TEST_CASE("an integer outside its range states the range") {
  int redirects = 5;
  Status s = Read("max_redirects: 25\n", [&](Node root) {
    root.AsMap({"max_redirects"}).Get("max_redirects").ReadInt(0, 20, &redirects);
  });
  CHECK(s.message() == "t.yaml:1:16: max_redirects: expected an integer from 0 to 20, got 25");
  CHECK(redirects == 5);
}

TEST_CASE("integers and numbers in range are read, with defaults kept for absent keys") {
  int64_t pages = 7;
  int depth = 6;
  double ratio = 0;
  Status s = Read("depth: +3\nratio: 0.25\n", [&](Node root) {
    MapReader map = root.AsMap({"depth", "ratio", "pages"});
    map.Get("depth").ReadInt(0, 100, &depth);
    map.Get("ratio").ReadDouble(0, 1, &ratio);
    map.Get("pages").ReadInt<int64_t>(0, 10, &pages);
  });
  REQUIRE(s.ok());
  CHECK(depth == 3);
  CHECK(ratio == 0.25);
  CHECK(pages == 7);
}

TEST_CASE("a number below its minimum states the bound") {
  Status s = Read("k: -1.5\n", [](Node root) {
    double k = 0;
    root.AsMap({"k"}).Get("k").ReadDouble(0, std::numeric_limits<double>::infinity(), &k);
  });
  CHECK(s.message() == "t.yaml:1:4: k: expected a number of at least 0, got -1.5");
}

TEST_CASE("a decimal where an integer belongs is rejected") {
  Status s = Read("n: 1.5\n", [](Node root) {
    int n = 0;
    root.AsMap({"n"}).Get("n").ReadInt(0, 10, &n);
  });
  CHECK(s.message() == "t.yaml:1:4: n: expected an integer from 0 to 10, got \"1.5\"");
}

TEST_CASE("yes is not a boolean: only true and false are") {
  Status s = Read("robots: yes\n", [](Node root) {
    bool robots = true;
    root.AsMap({"robots"}).Get("robots").ReadBool(&robots);
  });
  CHECK(s.message() == "t.yaml:1:9: robots: expected true or false, got \"yes\"");
}

TEST_CASE("a scalar where a map belongs lists the keys the map takes") {
  Status s = Read("politeness: 8\n", [](Node root) {
    root.AsMap({"politeness"}).Get("politeness").AsMap({"concurrency", "per_host"});
  });
  CHECK(s.message() ==
        "t.yaml:1:13: politeness: expected a map (with keys concurrency, per_host), got \"8\"");
}

TEST_CASE("keys that lost their indentation are blamed on the empty key above them") {
  Status s = Read("politeness:\nconcurrency: 4\n", [](Node root) {
    root.AsMap({"politeness", "retry"});
  });
  CHECK(s.message() ==
        "t.yaml:2:1: unknown key 'concurrency'; 'politeness' above it has no value: if "
        "'concurrency' belongs to 'politeness', indent it under 'politeness'");
}

TEST_CASE("a section left empty is reported at its key, not at the next line") {
  Status s = Read("politeness:\nretry: {}\n", [](Node root) {
    root.AsMap({"politeness", "retry"}).Get("politeness").AsMap({"concurrency"});
  });
  CHECK(s.message() ==
        "t.yaml:1:1: politeness: expected a map, got an empty value "
        "(are the keys that belong to it indented under it?)");
}

TEST_CASE("an empty document is not a map") {
  Status s = Read("# only a comment\n", [](Node root) { root.AsMap({"name"}); });
  CHECK(s.message() == "t.yaml:1:1: expected a map, got an empty document");
}

TEST_CASE("a missing required key is reported at the map that lacks it") {
  Status s = Read("sources:\n  - kind: html\n    follow: [a]\n", [](Node root) {
    for (const Node& source : root.AsMap({"sources"}).Get("sources").Items()) {
      source.AsMap({"kind", "follow", "seeds"}).Required("seeds");
    }
  });
  CHECK(s.message() == "t.yaml:2:5: sources[0]: missing required key 'seeds'");
}

TEST_CASE("a top-level missing key has no path prefix") {
  Status s = Read("a: 1\n", [](Node root) { root.AsMap({"a", "name"}).Required("name"); });
  CHECK(s.message() == "t.yaml:1:1: missing required key 'name'");
}

TEST_CASE("a word outside an enum suggests the closest word") {
  enum class Kind { kHtml, kJson };
  Kind kind = Kind::kJson;
  Status s = Read("kind: htm\n", [&](Node root) {
    root.AsMap({"kind"}).Get("kind").ReadEnum({{"html", Kind::kHtml}, {"json", Kind::kJson}},
                                              &kind);
  });
  CHECK(s.message() ==
        "t.yaml:1:7: kind: expected 'html' or 'json', got \"htm\" (did you mean "
        "'html'?)");
}

TEST_CASE("an enum word is mapped to its value") {
  enum class Kind { kHtml, kJson };
  Kind kind = Kind::kHtml;
  Status s = Read("kind: json\n", [&](Node root) {
    root.AsMap({"kind"}).Get("kind").ReadEnum({{"html", Kind::kHtml}, {"json", Kind::kJson}},
                                              &kind);
  });
  REQUIRE(s.ok());
  CHECK(kind == Kind::kJson);
}

TEST_CASE("a map inside a string list is reported at the item with its index") {
  Status s = Read("seeds:\n  - https://a/\n  - {url: x}\n", [](Node root) {
    std::vector<std::string> seeds;
    root.AsMap({"seeds"}).Get("seeds").ReadStringList(&seeds);
  });
  CHECK(s.message() == "t.yaml:3:5: seeds[1]: expected a string, got a map");
}

TEST_CASE("a single string where a list belongs is rejected") {
  Status s = Read("seeds: https://a/\n", [](Node root) {
    std::vector<std::string> seeds;
    root.AsMap({"seeds"}).Get("seeds").ReadStringList(&seeds);
  });
  CHECK(s.message() == "t.yaml:1:8: seeds: expected a list of strings, got \"https://a/\"");
}

TEST_CASE("string lists and string maps are read in full") {
  std::vector<std::string> seeds;
  std::map<std::string, std::string> headers;
  Status s = Read("seeds: [a, \"b c\"]\nheaders:\n  Accept: application/json\n  X-Id: 7\n",
                  [&](Node root) {
                    MapReader map = root.AsMap({"seeds", "headers"});
                    map.Get("seeds").ReadStringList(&seeds);
                    map.Get("headers").ReadStringMap(&headers);
                  });
  REQUIRE(s.ok());
  CHECK(seeds == std::vector<std::string>{"a", "b c"});
  CHECK(headers ==
        std::map<std::string, std::string>{{"Accept", "application/json"}, {"X-Id", "7"}});
}

TEST_CASE("a list value in a string map is reported at the value") {
  Status s = Read("headers: {Accept: json, X: [1]}\n", [](Node root) {
    std::map<std::string, std::string> headers;
    root.AsMap({"headers"}).Get("headers").ReadStringMap(&headers);
  });
  CHECK(s.message() == "t.yaml:1:28: headers.X: expected a string, got a list");
}

TEST_CASE("a list used as a key is rejected") {
  Status s = Read("{[a]: 1}\n", [](Node root) { root.AsOpenMap(); });
  CHECK(s.message() == "t.yaml:1:2: expected a plain key, got a list");
}

TEST_CASE("only the first error is kept") {
  Status s = Read("a: x\nb: y\n", [](Node root) {
    MapReader map = root.AsMap({"a", "b"});
    int a = 0, b = 0;
    CHECK_FALSE(map.Get("a").ReadInt(0, 9, &a));
    CHECK_FALSE(map.Get("b").ReadInt(0, 9, &b));
  });
  CHECK(s.message() == "t.yaml:1:4: a: expected an integer from 0 to 9, got \"x\"");
}

TEST_CASE("a custom check fails at the node it is about") {
  Status s = Read("url: ftp://x/\n", [](Node root) {
    Node url = root.AsMap({"url"}).Get("url");
    url.FailExpected("an http:// or https:// URL");
  });
  CHECK(s.message() == "t.yaml:1:6: url: expected an http:// or https:// URL, got \"ftp://x/\"");
}

TEST_CASE("a file is read under its path as display name") {
  const std::string path = "yaml_reader_test_tmp.yaml";
  std::ofstream(path) << "a: 1\nb: [\n";
  Document doc;
  Status s = doc.LoadFile(path);
  std::remove(path.c_str());
  CHECK(s.message() ==
        path + ":3:1: invalid YAML: end of sequence flow not found (a '[' is not closed by ']')");
}

TEST_CASE("a missing file is an I/O error naming the file") {
  Document doc;
  Status s = doc.LoadFile("/nonexistent/job.yaml");
  CHECK(s.code() == Status::Code::kIOError);
  CHECK(s.message() == "cannot read /nonexistent/job.yaml: No such file or directory");
}

TEST_CASE("edit distance counts single-character edits") {
  CHECK(EditDistance("max_dept", "max_depth") == 1);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("same", "same") == 0);
  CHECK(EditDistance("tpye", "type") == 1);  // an adjacent swap is one edit
}

}  // namespace
}  // namespace gleaner::yaml
