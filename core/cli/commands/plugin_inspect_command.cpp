#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/plugin_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_template.h"
#include "json_text.h"

// `berth plugin inspect`: docker's plugin objects, found by name or ID
// prefix in GET /plugins (berthd lists every plugin there; a plugin is
// matched by its Docker-level name, berth's own name or an ID prefix).
namespace berth::cli {
namespace {

struct InspectOptions {
    std::string format;
    std::vector<std::string> names;
};

bool matches(const nlohmann::json& plugin, const std::string& wanted) {
    const std::string id = field_or(plugin, "Id", "");
    if (!wanted.empty() && id.rfind(wanted, 0) == 0) return true;
    if (field_or(plugin, "Name", "") == wanted) return true;
    return field_or(object_field(plugin, "Berth"), "Name", "") == wanted;
}

int run_inspect(const CliContext& ctx, const InspectOptions& options) {
    std::optional<FormatTemplate> tmpl;
    if (!options.format.empty()) tmpl.emplace(options.format);
    const nlohmann::json plugins = json_reply(ctx.client().request("GET", api_path("/plugins")));
    if (!plugins.is_array()) throw CliError("the daemon sent a /plugins reply that is not a JSON array");

    std::ostream& out = *ctx.console.out;
    nlohmann::json found = nlohmann::json::array();
    std::string errors;
    for (const auto& name : options.names) {
        const nlohmann::json* hit = nullptr;
        for (const auto& plugin : plugins)
            if (matches(plugin, name)) {
                hit = &plugin;
                break;
            }
        if (hit == nullptr) {
            errors += (errors.empty() ? "" : "\n") + std::string("Error: No such plugin: ") + name;
            continue;
        }
        if (tmpl)
            out << tmpl->render(*hit) << '\n';
        else
            found.push_back(*hit);
    }
    if (!tmpl) out << dump_json(found, 4) << '\n';
    out.flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

}  // namespace

void add_plugin_inspect_command(CLI::App& plugin, CliContext& ctx) {
    CLI::App* cmd = plugin.add_subcommand("inspect", "Display detailed information on one or more plugins");
    auto options = std::make_shared<InspectOptions>();
    cmd->add_option("-f,--format", options->format, "Format output using a custom template");
    cmd->add_option("plugin", options->names, "Plugin names or ID prefixes")->required();
    on_selected(*cmd, ctx, [&ctx, options] { return run_inspect(ctx, *options); });
}

}  // namespace berth::cli
