#pragma once

#include "cli_context.h"

// Subcommands of `berth plugin`, each adding itself to the group.
namespace berth::cli {

void add_plugin_ls_command(CLI::App& plugin, CliContext& ctx);
void add_plugin_inspect_command(CLI::App& plugin, CliContext& ctx);
// upgrade and reload share their reply handling, so one file adds both.
void add_plugin_swap_commands(CLI::App& plugin, CliContext& ctx);

}  // namespace berth::cli
