#include <CLI/CLI.hpp>

#include "commands/build_command.h"
#include "commands/commands.h"
#include "commands/image_commands.h"

// `berth image ...` and the top-level shortcuts docker keeps for the most
// used image commands. Each registration builds its own subcommand, so
// `berth images` and `berth image ls` behave identically.
namespace berth::cli {

void add_image_command(CLI::App& app, CliContext& ctx) {
    CLI::App* image = app.add_subcommand("image", "Manage images");
    add_images_command(*image, ctx, "ls");
    add_pull_command(*image, ctx);
    add_push_command(*image, ctx);
    add_image_inspect_command(*image, ctx);
    add_history_command(*image, ctx);
    add_tag_command(*image, ctx);
    add_rmi_command(*image, ctx, "rm");
    add_save_command(*image, ctx);
    add_load_command(*image, ctx);
    add_import_command(*image, ctx);
    add_image_prune_command(*image, ctx);
    add_build_command(*image, ctx);
}

void add_image_shortcuts(CLI::App& app, CliContext& ctx) {
    add_pull_command(app, ctx);
    add_push_command(app, ctx);
    add_images_command(app, ctx, "images");
    add_rmi_command(app, ctx, "rmi");
    add_tag_command(app, ctx);
    add_save_command(app, ctx);
    add_load_command(app, ctx);
    add_import_command(app, ctx);
    add_history_command(app, ctx);
    add_build_command(app, ctx);
}

}  // namespace berth::cli
