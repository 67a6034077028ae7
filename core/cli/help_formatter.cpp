#include "help_formatter.h"

#include <sstream>

namespace berth::cli {

std::string HelpFormatter::make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const {
    // Subcommands listed inside another help (--help-all) keep CLI11's form.
    if (mode == CLI::AppFormatMode::Sub) return CLI::Formatter::make_help(app, std::move(name), mode);
    std::string usage = make_usage(app, std::move(name));
    if (usage.rfind("Usage: ", 0) == 0) usage.insert(6, " ");  // docker's two spaces
    // CLI11 starts each list with blank lines of its own; docker has one.
    std::string lists = make_positionals(app) + make_groups(app, mode) + make_subcommands(app, mode);
    lists.erase(0, lists.find_first_not_of('\n'));
    std::ostringstream out;
    out << '\n' << usage << '\n';
    if (!app->get_description().empty()) out << app->get_description() << "\n\n";
    out << lists << '\n' << make_footer(app);
    return out.str();
}

}  // namespace berth::cli
