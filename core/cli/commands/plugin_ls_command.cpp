#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/plugin_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_output.h"
#include "format_template.h"
#include "json_text.h"
#include "text_table.h"

// `berth plugin ls`: berthd's in-process plugins, from the "Berth" object the
// daemon adds to each Docker plugin entry of GET /plugins.
namespace berth::cli {
namespace {

struct LsOptions {
    std::string format = "table";
    bool quiet = false;
};

// Empty cells become "-" so every row has the same number of
// whitespace-separated fields for awk.
std::string cell(std::string text) { return text.empty() ? "-" : text; }

// KIND and DRIVER are joined in the same order, so the n-th kind belongs to
// the n-th driver; kinds are therefore not de-duplicated.
std::string join_drivers(const nlohmann::json& berth, std::string_view key) {
    std::string out;
    for (const auto& driver : array_field(berth, "Drivers")) {
        const std::string value = field_or(driver, key, "");
        if (value.empty()) continue;
        if (!out.empty()) out += ',';
        out += value;
    }
    return out;
}

// A plugin's name: Berth's own, else the Docker-level one.
std::string plugin_name(const nlohmann::json& plugin) {
    std::string name = field_or(object_field(plugin, "Berth"), "Name", "");
    return name.empty() ? field_or(plugin, "Name", "") : name;
}

void print_table(const nlohmann::json& plugins) {
    TextTable table({"NAME", "KIND", "DRIVER", "VERSION", "ABI", "STATE", "FILE", "REASON"});
    for (const auto& plugin : plugins) {
        const nlohmann::json& berth = object_field(plugin, "Berth");
        table.add_row({cell(plugin_name(plugin)), cell(join_drivers(berth, "Kind")), cell(join_drivers(berth, "Name")),
                       cell(field_or(berth, "Version", "")), cell(field_or(berth, "ABI", "")),
                       cell(field_or(berth, "State", "")), cell(field_or(berth, "File", "")),
                       cell(field_or(berth, "Reason", ""))});
    }
    table.print(std::cout);
}

void print_json(const nlohmann::json& plugins) {
    nlohmann::json out = nlohmann::json::array();
    // Only berthd-managed plugins carry a Berth object; a Docker-style
    // managed plugin has nothing of ours to show, so it is left out.
    for (const auto& plugin : plugins)
        if (plugin.is_object() && plugin.contains("Berth") && plugin["Berth"].is_object()) out.push_back(plugin["Berth"]);
    std::cout << dump_json(out, 2) << '\n';
}

// A row with docker's plugin-ls template fields (ID, Name, Description,
// Enabled, PluginReference) and berth's own columns beside them.
nlohmann::json template_row(const nlohmann::json& plugin) {
    const nlohmann::json& berth = object_field(plugin, "Berth");
    const std::string description = field_or(berth, "Description", "");
    return {{"ID", truncate_id(field_or(plugin, "Id", ""))},
            {"Name", plugin_name(plugin)},
            {"Description", description.empty() ? field_or(object_field(plugin, "Config"), "Description", "") : description},
            {"Enabled", plugin.value("Enabled", false)},
            {"PluginReference", field_or(plugin, "PluginReference", "")},
            {"Kind", join_drivers(berth, "Kind")},
            {"Driver", join_drivers(berth, "Name")},
            {"Version", field_or(berth, "Version", "")},
            {"ABI", field_or(berth, "ABI", "")},
            {"State", field_or(berth, "State", "")},
            {"File", field_or(berth, "File", "")},
            {"Reason", field_or(berth, "Reason", "")}};
}

void print_template(const nlohmann::json& plugins, const std::string& format) {
    const FormatTemplate tmpl(format);
    std::vector<nlohmann::json> rows;
    for (const auto& plugin : plugins) rows.push_back(template_row(plugin));
    print_formatted(std::cout, tmpl, rows, {{"ID", "ID"}, {"PluginReference", "PLUGIN REFERENCE"}});
}

int run_ls(const CliContext& ctx, const LsOptions& options) {
    const nlohmann::json plugins = json_reply(ctx.client().request("GET", api_path("/plugins")));
    if (!plugins.is_array()) throw CliError("the daemon sent a /plugins reply that is not a JSON array");

    if (options.quiet) {
        for (const auto& plugin : plugins) std::cout << plugin_name(plugin) << '\n';
    } else if (options.format == "json") {
        print_json(plugins);
    } else if (options.format.empty() || options.format == "table") {
        print_table(plugins);
    } else {
        print_template(plugins, options.format);
    }
    return exit_code::kOk;
}

}  // namespace

void add_plugin_ls_command(CLI::App& plugin, CliContext& ctx) {
    CLI::App* cmd = plugin.add_subcommand("ls", "List plugins loaded by berthd");
    cmd->alias("list");
    // Shared with the action, which runs long after this function returns.
    auto options = std::make_shared<LsOptions>();
    cmd->add_option("--format", options->format,
                    "Format output: 'table' (berth's columns), 'json' (berth's plugin objects), or a Go template "
                    "with docker's fields ('table {{.Name}}\\t{{.Enabled}}')")
        ->capture_default_str();
    cmd->add_flag("-q,--quiet", options->quiet, "Only display plugin names");
    on_selected(*cmd, ctx, [&ctx, options] { return run_ls(ctx, *options); });
}

}  // namespace berth::cli
