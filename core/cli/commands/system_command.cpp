#include <chrono>
#include <memory>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/commands.h"
#include "commands/system_commands.h"
#include "daemon_reply.h"
#include "disk_usage_view.h"
#include "errors.h"
#include "exit_codes.h"

// `berth system`: df, prune, info and events, as docker's `system` group.
// info and events are the top-level commands registered a second time.
namespace berth::cli {

int run_system_df(const CliContext& ctx, const SystemDfOptions& options) {
    if (options.verbose && !options.format.empty() && options.format != "table")
        throw UsageError("--format is not supported together with --verbose");
    const nlohmann::json usage = json_reply(ctx.client().request("GET", api_path("/system/df")));
    std::ostream& out = *ctx.console.out;
    if (options.verbose) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        print_disk_usage_verbose(out, usage, now);
    } else {
        print_disk_usage(out, usage, options.format);
    }
    out.flush();
    return exit_code::kOk;
}

void add_system_df_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<SystemDfOptions>();
    CLI::App* cmd = parent.add_subcommand("df", "Show docker disk usage");
    cmd->add_flag("-v,--verbose", options->verbose, "Show detailed information on space usage");
    cmd->add_option("--format", options->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, options] { return run_system_df(ctx, *options); });
}

void add_system_command(CLI::App& app, CliContext& ctx) {
    CLI::App* system = app.add_subcommand("system", "Manage Docker");
    add_system_df_command(*system, ctx);
    add_system_prune_command(*system, ctx);
    add_info_command(*system, ctx);
    add_events_command(*system, ctx);
}

}  // namespace berth::cli
