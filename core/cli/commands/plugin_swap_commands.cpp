#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/plugin_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"

// `berth plugin upgrade NAME FILE` and `berth plugin reload NAME`: ask berthd
// to swap a running plugin for a new build (upgrade) or a fresh load of the
// same file (reload). Both answer {"Generation","HandedOver","Version"}.
namespace berth::cli {
namespace {

struct SwapOptions {
    std::string name;
    std::string file;
};

std::string swap_target(const std::string& name, std::string_view action) {
    return api_path("/berth/plugins/" + escape_path_segment(name) + "/" + std::string(action));
}

// "NAME upgraded to version 1.2.0 (generation 4, state handed over)".
// "handed over" means the old generation passed its state to the new one;
// "drained" means it was let finish its calls and the new one started empty.
int report_swap(const std::string& name, std::string_view done, const HttpResponse& response) {
    const nlohmann::json reply = json_reply(response);
    const auto handed_over = reply.find("HandedOver");
    const bool state_kept = handed_over != reply.end() && handed_over->is_boolean() && handed_over->get<bool>();
    std::cout << name << ' ' << done << " to version " << field_or(reply, "Version", "?") << " (generation "
              << field_or(reply, "Generation", "?") << ", state " << (state_kept ? "handed over" : "drained")
              << ")\n";
    return exit_code::kOk;
}

// The daemon resolves the path itself, from its own working directory, so
// a relative path must be made absolute here, against the user's.
std::string absolute_file(const std::string& file) {
    std::error_code ec;
    auto path = std::filesystem::absolute(file, ec);
    if (ec) throw CliError("cannot resolve \"" + file + "\": " + ec.message());
    return path.lexically_normal().string();
}

int run_upgrade(const CliContext& ctx, const SwapOptions& options) {
    const nlohmann::json body = {{"File", absolute_file(options.file)}};
    return report_swap(options.name, "upgraded",
                       ctx.client().request("POST", swap_target(options.name, "upgrade"), dump_json(body)));
}

int run_reload(const CliContext& ctx, const SwapOptions& options) {
    return report_swap(options.name, "reloaded", ctx.client().request("POST", swap_target(options.name, "reload")));
}

}  // namespace

void add_plugin_swap_commands(CLI::App& plugin, CliContext& ctx) {
    // Shared with the actions, which run long after this function returns.
    auto upgrade = std::make_shared<SwapOptions>();
    CLI::App* up = plugin.add_subcommand("upgrade", "Replace a running plugin with a new build, keeping it in service");
    up->add_option("NAME", upgrade->name, "Plugin name, as shown by `berth plugin ls`")->required();
    up->add_option("FILE", upgrade->file, "Shared library of the new plugin version")->required();
    on_selected(*up, ctx, [&ctx, upgrade] { return run_upgrade(ctx, *upgrade); });

    auto reload = std::make_shared<SwapOptions>();
    CLI::App* re = plugin.add_subcommand("reload", "Load a running plugin's file again as a new generation");
    re->add_option("NAME", reload->name, "Plugin name, as shown by `berth plugin ls`")->required();
    on_selected(*re, ctx, [&ctx, reload] { return run_reload(ctx, *reload); });
}

}  // namespace berth::cli
