#include "crawler/extract/parse_arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "crawler/extract/gumbo_node.h"
#include "crawler/extract/html_document.h"

namespace gleaner::crawler {
namespace {

// A page of `links` paragraphs, each linking /page/I: the hrefs are the
// oracle the parsed tree is checked against.
std::string PageOfLinks(int links) {
  std::string page = "<!DOCTYPE html><html><head><title>links</title></head><body>";
  for (int i = 0; i < links; ++i) {
    page += "<p class=item>Item " + std::to_string(i) + ": <a href=\"/page/" + std::to_string(i) +
            "\">page " + std::to_string(i) + "</a></p>\n";
  }
  return page + "</body></html>";
}

std::vector<std::string> HrefsOf(const HtmlDocument& document) {
  std::vector<std::string> hrefs;
  VisitDescendants(document.document(), [&hrefs](const GumboNode* node) {
    const char* href = IsElement(node) ? FindAttribute(node, "href") : nullptr;
    if (href != nullptr) hrefs.emplace_back(href);
    return true;
  });
  return hrefs;
}

std::vector<std::string> ExpectedHrefs(int links) {
  std::vector<std::string> hrefs;
  for (int i = 0; i < links; ++i) hrefs.push_back("/page/" + std::to_string(i));
  return hrefs;
}

// Pages of [begin, begin + bytes) the kernel holds in memory (mincore), the
// independent measure of what the arena keeps resident.
size_t ResidentPages(const void* begin, size_t bytes) {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> flags((bytes + page - 1) / page);
  REQUIRE(mincore(const_cast<void*>(begin), bytes, flags.data()) == 0);
  size_t resident = 0;
  for (unsigned char flag : flags) resident += flag & 1;
  return resident;
}

TEST_CASE("a page parsed in the arena takes its whole tree from it, and the next page reuses it") {
  ParseArena arena(size_t{16} << 20, size_t{1} << 20);
  const GumboNode* first_document = nullptr;
  {
    const HtmlDocument parsed(PageOfLinks(200), &arena);
    CHECK(HrefsOf(parsed) == ExpectedHrefs(200));
    CHECK(arena.Owns(parsed.document()));
    CHECK(arena.spilled_blocks() == 0);
    CHECK(arena.used_bytes() > 0);
    first_document = parsed.document();
  }
  CHECK(arena.used_bytes() == 0);  // dropped whole when the document went
  const HtmlDocument second(PageOfLinks(300), &arena);
  CHECK(HrefsOf(second) == ExpectedHrefs(300));
  CHECK(second.document() == first_document);  // the same blocks, handed out again
}

TEST_CASE("between pages the arena keeps no more than its retained bytes resident") {
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t capacity = size_t{32} << 20;
  const size_t retained = size_t{64} << 10;
  ParseArena arena(capacity, retained);
  void* range = arena.Allocate(1);  // the first block opens the range
  arena.Reset();
  {
    const HtmlDocument parsed(PageOfLinks(5000), &arena);  // a tree of megabytes
    REQUIRE(arena.spilled_blocks() == 0);
    CHECK(ResidentPages(range, capacity) * page > 4 * retained);
  }
  CHECK(ResidentPages(range, capacity) * page <= retained);
  // The trimmed pages read back as zeros and serve the next page as well.
  const HtmlDocument next(PageOfLinks(5000), &arena);
  CHECK(HrefsOf(next) == ExpectedHrefs(5000));
}

TEST_CASE("a page whose tree outgrows the arena's capacity spills to malloc and is freed whole") {
  ParseArena arena(size_t{64} << 10, size_t{64} << 10);
  {
    const HtmlDocument parsed(PageOfLinks(5000), &arena);
    CHECK(arena.spilled_blocks() > 0);
    CHECK(HrefsOf(parsed) == ExpectedHrefs(5000));
  }
  // The document's destruction walked the tree and freed every spilled block.
  CHECK(arena.spilled_blocks() == 0);
  CHECK(arena.used_bytes() == 0);
}

TEST_CASE("an arena that could not reserve its range serves every block from malloc") {
  ParseArena arena(0, 0);
  {
    const HtmlDocument parsed(PageOfLinks(50), &arena);
    CHECK(HrefsOf(parsed) == ExpectedHrefs(50));
    CHECK_FALSE(arena.Owns(parsed.document()));
    CHECK(arena.spilled_blocks() > 0);
  }
  CHECK(arena.spilled_blocks() == 0);
}

TEST_CASE("freeing the latest block gives its bytes back at once, earlier ones wait for Reset") {
  ParseArena arena(size_t{1} << 20, 0);
  void* first = arena.Allocate(100);
  void* second = arena.Allocate(100);
  const size_t used = arena.used_bytes();
  arena.Deallocate(first);
  CHECK(arena.used_bytes() == used);
  arena.Deallocate(second);
  CHECK(arena.used_bytes() < used);
  CHECK(arena.Allocate(100) == second);
}

}  // namespace
}  // namespace gleaner::crawler
