#pragma once

#include "cli_context.h"

// One function per top-level `berth` command; each adds its subcommand to
// the root app. main() calls them all; adding a command is one line there.
namespace berth::cli {

void add_version_command(CLI::App& app, CliContext& ctx);
void add_info_command(CLI::App& app, CliContext& ctx);
void add_plugin_command(CLI::App& app, CliContext& ctx);
// `berth image` and its top-level shortcuts (pull, push, images, rmi, ...).
void add_image_command(CLI::App& app, CliContext& ctx);
void add_image_shortcuts(CLI::App& app, CliContext& ctx);
// `berth container` and its top-level shortcuts (run, ps, exec, ...).
void add_container_command(CLI::App& app, CliContext& ctx);
void add_container_shortcuts(CLI::App& app, CliContext& ctx);
void add_volume_command(CLI::App& app, CliContext& ctx);
void add_network_command(CLI::App& app, CliContext& ctx);
void add_login_command(CLI::App& app, CliContext& ctx);
void add_logout_command(CLI::App& app, CliContext& ctx);
// `berth system df|prune|info|events`.
void add_system_command(CLI::App& app, CliContext& ctx);
// `events` under parent: the root (`berth events`) and `berth system`.
void add_events_command(CLI::App& parent, CliContext& ctx);

}  // namespace berth::cli
