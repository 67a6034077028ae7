#include <CLI/CLI.hpp>

#include "commands/commands.h"
#include "commands/container_commands.h"

// `berth container ...` and the top-level shortcuts docker keeps for it
// (run, ps, exec, logs, ...). Each registration builds its own subcommand.
namespace berth::cli {

void add_container_command(CLI::App& app, CliContext& ctx) {
    CLI::App* container = app.add_subcommand("container", "Manage containers");
    add_create_command(*container, ctx);
    add_run_command(*container, ctx);
    add_lifecycle_commands(*container, ctx);
    add_ps_command(*container, ctx, "ls");
    add_container_inspect_command(*container, ctx);
    add_logs_command(*container, ctx);
    add_attach_command(*container, ctx);
    add_exec_command(*container, ctx);
    add_top_command(*container, ctx);
    add_port_command(*container, ctx);
    add_stats_command(*container, ctx);
    add_cp_command(*container, ctx);
    add_diff_command(*container, ctx);
    add_commit_command(*container, ctx);
    add_export_command(*container, ctx);
    add_update_command(*container, ctx);
    add_container_prune_command(*container, ctx);
}

void add_container_shortcuts(CLI::App& app, CliContext& ctx) {
    add_create_command(app, ctx);
    add_run_command(app, ctx);
    add_lifecycle_commands(app, ctx);
    add_ps_command(app, ctx, "ps");
    // Top-level inspect: containers, then images, then volumes.
    add_container_inspect_command(app, ctx);
    add_logs_command(app, ctx);
    add_attach_command(app, ctx);
    add_exec_command(app, ctx);
    add_top_command(app, ctx);
    add_port_command(app, ctx);
    add_stats_command(app, ctx);
    add_cp_command(app, ctx);
    add_diff_command(app, ctx);
    add_commit_command(app, ctx);
    add_export_command(app, ctx);
    add_update_command(app, ctx);
}

}  // namespace berth::cli
