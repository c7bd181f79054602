// Why `gleaner crawll` failed: CLI11 reports a word that names no subcommand
// as "A subcommand is required" (or as an unexpected argument), which hides
// the typo. UnknownCommandMessage names the word and the command it was
// probably meant to be.
#include <string_view>
#include <vector>

#include "common/yaml_reader.h"
#include "tools/commands.h"

namespace gleaner::tools {

std::vector<const CLI::App*> NamedSubcommands(const CLI::App& app) {
  // CLI11 keeps option groups as subcommands without a name.
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

std::string UnknownCommandMessage(const CLI::App& app, int argc, const char* const* argv) {
  const CLI::App* at = &app;
  std::string path;  // the commands recognised so far, e.g. "stage "
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    // Only the command groups are walked, and they take no option with a value.
    if (word.empty() || word[0] == '-') continue;
    std::vector<const CLI::App*> subcommands = NamedSubcommands(*at);
    if (subcommands.empty()) return "";  // a command: the word is its argument
    const CLI::App* next = nullptr;
    std::vector<std::string_view> names;
    for (const CLI::App* sub : subcommands) {
      if (sub->check_name(std::string(word))) next = sub;
      names.push_back(sub->get_name());
    }
    if (next == nullptr) {
      std::string message = "unknown command '" + path + std::string(word) + "'";
      std::string_view meant = yaml::ClosestWord(word, names);
      if (!meant.empty()) message += " (did you mean '" + path + std::string(meant) + "'?)";
      return message + "; run 'gleaner " + path + "--help' for the commands";
    }
    path += next->get_name() + " ";
    at = next;
  }
  return "";
}

}  // namespace gleaner::tools
