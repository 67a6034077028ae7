#include "cli_app.h"

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "build_info.h"
#include "command_word.h"
#include "commands/build_command.h"
#include "commands/commands.h"
#include "commands/completion_command.h"
#include "commands/container_commands.h"
#include "commands/image_commands.h"
#include "help_formatter.h"

namespace berth::cli {

namespace {

// The root's own options: what every command line may use.
void add_root_options(CLI::App& app, CliContext& ctx) {
    // Subcommands copy the formatter when they are added, so set it first.
    app.formatter(std::make_shared<HelpFormatter>());
    app.set_version_flag("-v,--version", "Berth version " + std::string(kClientVersion), "Print version information and quit");
    // Let global options such as -H also follow the command name; set before
    // adding subcommands, which copy it from their parent.
    app.fallthrough();
    add_global_options(app, ctx.global);
}

// One top-level registration: the command names it adds to the root (space
// separated) and how. In build_cli's order, shortcut by shortcut, so a tree
// of some of them lists those in the same order as the whole tree does.
struct TopLevel {
    std::string_view names;
    void (*add)(CLI::App&, CliContext&);
};

constexpr std::array kTopLevel{
    TopLevel{"version", add_version_command},
    TopLevel{"info", add_info_command},
    TopLevel{"plugin", add_plugin_command},
    TopLevel{"image", add_image_command},
    // add_image_shortcuts, one by one.
    TopLevel{"pull", add_pull_command},
    TopLevel{"push", add_push_command},
    TopLevel{"images", [](CLI::App& app, CliContext& ctx) { add_images_command(app, ctx, "images"); }},
    TopLevel{"rmi", [](CLI::App& app, CliContext& ctx) { add_rmi_command(app, ctx, "rmi"); }},
    TopLevel{"tag", add_tag_command},
    TopLevel{"save", add_save_command},
    TopLevel{"load", add_load_command},
    TopLevel{"import", add_import_command},
    TopLevel{"history", add_history_command},
    TopLevel{"build", add_build_command},
    TopLevel{"container", add_container_command},
    // add_container_shortcuts, one by one.
    TopLevel{"create", add_create_command},
    TopLevel{"run", add_run_command},
    TopLevel{"start stop restart kill rm pause unpause wait rename", add_lifecycle_commands},
    TopLevel{"ps", [](CLI::App& app, CliContext& ctx) { add_ps_command(app, ctx, "ps"); }},
    TopLevel{"inspect", add_container_inspect_command},
    TopLevel{"logs", add_logs_command},
    TopLevel{"attach", add_attach_command},
    TopLevel{"exec", add_exec_command},
    TopLevel{"top", add_top_command},
    TopLevel{"port", add_port_command},
    TopLevel{"stats", add_stats_command},
    TopLevel{"cp", add_cp_command},
    TopLevel{"diff", add_diff_command},
    TopLevel{"commit", add_commit_command},
    TopLevel{"export", add_export_command},
    TopLevel{"update", add_update_command},
    TopLevel{"volume", add_volume_command},
    TopLevel{"network", add_network_command},
    TopLevel{"login", add_login_command},
    TopLevel{"logout", add_logout_command},
    TopLevel{"system", add_system_command},
    TopLevel{"events", add_events_command},
    TopLevel{"completion", add_completion_command},
};

bool names_contain(std::string_view names, std::string_view word) {
    while (!names.empty()) {
        const std::size_t space = names.find(' ');
        if (names.substr(0, space) == word) return true;
        if (space == std::string_view::npos) break;
        names.remove_prefix(space + 1);
    }
    return false;
}

bool names_any(std::string_view names, const std::vector<std::string>& args) {
    for (const std::string& arg : args)
        if (names_contain(names, arg)) return true;
    return false;
}

bool is_top_level_command(std::string_view word) {
    for (const TopLevel& entry : kTopLevel)
        if (names_contain(entry.names, word)) return true;
    return false;
}

void add_commands(CLI::App& app, CliContext& ctx) {
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

// Whether a root holding only the commands args names behaves as the whole
// tree. CLI11 matches commands by their exact names, so commands args never
// names cannot be selected, wherever the words stand (`berth ps run` selects
// both, through fallthrough). They still show in two places: the root's own
// help, printed when no command ends up selected, and the completion script.
// So a partial tree needs a command (or --version, which wins over help) to
// come first, and no `completion` anywhere.
bool partial_tree_is_enough(const CLI::App& root, const std::vector<std::string>& args) {
    if (names_any("completion", args)) return false;
    const CommandWord first = find_command_word(root, args);
    if (first.kind == CommandWord::Kind::Version) return true;
    return first.kind == CommandWord::Kind::Word && is_top_level_command(first.text);
}

}  // namespace

void build_cli(CLI::App& app, CliContext& ctx) {
    add_root_options(app, ctx);
    add_commands(app, ctx);
}

void build_cli_for(CLI::App& app, CliContext& ctx, const std::vector<std::string>& args) {
    add_root_options(app, ctx);
    if (!partial_tree_is_enough(app, args)) {
        add_commands(app, ctx);
        return;
    }
    for (const TopLevel& entry : kTopLevel)
        if (names_any(entry.names, args)) entry.add(app, ctx);
}

}  // namespace berth::cli
