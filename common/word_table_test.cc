#include "common/word_table.h"

#include <catch2/catch.hpp>
#include <string>

namespace gleaner {
namespace {

enum class Color { kRed, kGreen, kBlue, kUnnamed };
constexpr WordPair<Color> kColorWords[] = {
    {"red", Color::kRed}, {"green", Color::kGreen}, {"blue", Color::kBlue}};

}  // namespace

TEST_CASE("a word table reads both ways") {
  CHECK(std::string(WordOf(kColorWords, Color::kGreen)) == "green");
  Color color = Color::kRed;
  REQUIRE(ValueOf(kColorWords, "blue", &color));
  CHECK(color == Color::kBlue);
  static_assert(WordOf(kColorWords, Color::kRed)[0] == 'r', "usable at compile time");
}

TEST_CASE("a word outside the table is refused and leaves the value alone") {
  Color color = Color::kGreen;
  CHECK_FALSE(ValueOf(kColorWords, "Red", &color));  // words are exact, case included
  CHECK_FALSE(ValueOf(kColorWords, "", &color));
  CHECK(color == Color::kGreen);
  CHECK(std::string(WordOf(kColorWords, Color::kUnnamed)) == "?");
}

TEST_CASE("the words listed for a message") {
  CHECK(WordList(kColorWords) == "red, green or blue");
  constexpr WordPair<Color> kOne[] = {{"red", Color::kRed}};
  CHECK(WordList(kOne) == "red");
}

}  // namespace gleaner
