#include "cli_app.h"

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "build_info.h"
#include "commands/commands.h"
#include "commands/completion_command.h"
#include "help_formatter.h"

namespace berth::cli {

void build_cli(CLI::App& app, CliContext& ctx) {
    // Subcommands copy the formatter when they are added, so set it first.
    app.formatter(std::make_shared<HelpFormatter>());
    app.set_version_flag("-v,--version", "Berth version " + std::string(kClientVersion), "Print version information and quit");
    // Let global options such as -H also follow the command name; set before
    // adding subcommands, which copy it from their parent.
    app.fallthrough();
    add_global_options(app, ctx.global);

    add_version_command(app, ctx);
    add_info_command(app, ctx);
    add_plugin_command(app, ctx);
    add_image_command(app, ctx);
    add_image_shortcuts(app, ctx);
    add_container_command(app, ctx);
    add_container_shortcuts(app, ctx);
    add_volume_command(app, ctx);
    add_network_command(app, ctx);
    add_login_command(app, ctx);
    add_logout_command(app, ctx);
    add_system_command(app, ctx);
    add_events_command(app, ctx);
    add_completion_command(app, ctx);
}

}  // namespace berth::cli
