// The command line itself, through the real `gleaner` binary: a mistyped
// command is named with a suggestion (not "A subcommand is required"), and
// `gleaner completion bash|zsh` gives scripts that complete real commands.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

using namespace gleaner::testing;

namespace {

ProcessResult Gleaner(std::vector<std::string> args) {
  args.insert(args.begin(), GLEANER_BINARY);
  return RunProcess(args);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a mistyped command is named, with the command it was probably meant to be") {
  ProcessResult r = Gleaner({"crawll", "job.yaml"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(Contains(r.err, "unknown command 'crawll' (did you mean 'crawl'?)"));
  CHECK(!Contains(r.err, "subcommand is required"));
}

TEST_CASE("a mistyped subcommand is named with its parent command") {
  ProcessResult r = Gleaner({"stage", "scann", "books"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "unknown command 'stage scann' (did you mean 'stage scan'?)"));
  CHECK(Contains(r.err, "gleaner stage --help"));
}

TEST_CASE("a word like no command gets no suggestion, and still exits 2") {
  ProcessResult r = Gleaner({"frobnicate"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(Contains(r.err, "unknown command 'frobnicate'"));
  CHECK(!Contains(r.err, "did you mean"));
}

TEST_CASE("other usage errors keep CLI11's own message") {
  ProcessResult missing = Gleaner({"stage", "scan"});  // the job argument is missing
  INFO(missing.err);
  CHECK(missing.exit_code == 2);
  CHECK(!Contains(missing.err, "unknown command"));
  CHECK(Contains(missing.err, "job"));
  CHECK(Gleaner({"--help"}).exit_code == 0);
}

TEST_CASE("the bash completion script loads, registers gleaner and completes real commands") {
  TempDir dir;
  ProcessResult script = Gleaner({"completion", "bash"});
  REQUIRE(script.exit_code == 0);
  WriteFile(dir / "gleaner.bash", script.out);
  // Completes as bash would for the words typed so far; prints one candidate a line.
  auto complete = [&](const std::string& words, int cword) {
    ProcessResult r = RunProcess({"/bin/bash", "-c",
                                  "source '" + dir / "gleaner.bash" + "' && COMP_WORDS=(" + words +
                                      ") && COMP_CWORD=" + std::to_string(cword) +
                                      " && _gleaner && printf '%s\\n' \"${COMPREPLY[@]}\""});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  ProcessResult registered = RunProcess(
      {"/bin/bash", "-c", "source '" + dir / "gleaner.bash" + "' && complete -p gleaner"});
  INFO(registered.err);
  CHECK(registered.exit_code == 0);
  CHECK(Contains(registered.out, "-F _gleaner gleaner"));

  CHECK(complete("gleaner cr", 1) == "crawl\n");
  CHECK(complete("gleaner stage s", 2) == "scan\nstats\n");
  CHECK(complete("gleaner stage dump books --f", 4) == "--format\n");
  CHECK(complete("gleaner jobs sub", 2) == "submit\n");
  CHECK(complete("gleaner comp", 1) == "completion\n");
  // After a flag that takes a value, files: the script itself is one.
  CHECK(Contains(complete("gleaner crawl --data '" + dir / "gleaner.b" + "'", 3),
                 dir / "gleaner.bash"));
}

TEST_CASE("the zsh completion script is valid zsh and lists the same commands") {
  ProcessResult script = Gleaner({"completion", "zsh"});
  REQUIRE(script.exit_code == 0);
  CHECK(script.out.rfind("#compdef gleaner\n", 0) == 0);
  CHECK(Contains(script.out, "compdef _gleaner gleaner"));
  CHECK(Contains(script.out, "('stage scan') subcommands=() flags=("));
  CHECK(Contains(script.out,
                 "('') subcommands=(stage crawl prepare rules run profile drift demo serve jobs "
                 "pull worker completion)"));
  TempDir dir;
  WriteFile(dir / "_gleaner", script.out);
  // zsh comes with scripts/install-deps.sh.
  ProcessResult check = RunProcess({"/bin/sh", "-c", "zsh -n '" + dir / "_gleaner" + "'"});
  INFO(check.err);
  CHECK(check.exit_code == 0);
}

TEST_CASE("completion for a shell it does not know is a usage error") {
  ProcessResult r = Gleaner({"completion", "fish"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
}
