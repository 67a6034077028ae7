#include <CLI/CLI.hpp>

#include "commands/commands.h"
#include "commands/plugin_commands.h"

// `berth plugin`: the group only. With no subcommand main() prints its help.
namespace berth::cli {

void add_plugin_command(CLI::App& app, CliContext& ctx) {
    CLI::App* plugin = app.add_subcommand("plugin", "Manage berthd plugins");
    add_plugin_ls_command(*plugin, ctx);
    add_plugin_inspect_command(*plugin, ctx);
    add_plugin_swap_commands(*plugin, ctx);
}

}  // namespace berth::cli
