#include <algorithm>
#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "byte_units.h"
#include "commands/commands.h"
#include "commands/container_commands.h"
#include "confirm_prompt.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_output.h"
#include "format_template.h"
#include "json_text.h"
#include "query_string.h"
#include "run_flags.h"

// `berth volume create|ls|inspect|rm|prune` over /volumes, as docker's.
namespace berth::cli {
namespace {

std::string volume_target(const std::string& name, const std::string& query = {}) {
    return api_path("/volumes/" + escape_path_segment(name) + query);
}

}  // namespace

int run_volume_create(const CliContext& ctx, const VolumeCreateOptions& options) {
    nlohmann::json body = {{"Driver", options.driver},
                           {"DriverOpts", kv_map(options.options)},
                           {"Labels", kv_map(options.labels)},
                           {"Name", options.name}};
    const nlohmann::json volume =
        json_reply(ctx.client().request("POST", api_path("/volumes/create"), dump_json(body)));
    *ctx.console.out << field_or(volume, "Name", "") << '\n';
    ctx.console.out->flush();
    return exit_code::kOk;
}

int run_volume_ls(const CliContext& ctx, const VolumeLsOptions& options) {
    std::string format = options.format;
    if (options.quiet) format = "{{.Name}}";
    if (format.empty() || format == "table") format = "table {{.Driver}}\t{{.Name}}";
    const FormatTemplate tmpl(format);
    QueryString query;
    const std::string filters = filters_json(options.filters);
    if (!filters.empty()) query.add("filters", filters);
    const nlohmann::json reply = json_reply(ctx.client().request("GET", api_path("/volumes" + query.str())));
    std::vector<nlohmann::json> rows;
    for (const auto& v : array_field(reply, "Volumes")) {
        nlohmann::json row = v;
        row["Name"] = field_or(v, "Name", "");
        row["Driver"] = field_or(v, "Driver", "");
        row["Scope"] = field_or(v, "Scope", "");
        row["Mountpoint"] = field_or(v, "Mountpoint", "");
        rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end(),
              [](const nlohmann::json& a, const nlohmann::json& b) { return a["Name"] < b["Name"]; });
    print_formatted(*ctx.console.out, tmpl, rows,
                    {{"Driver", "DRIVER"}, {"Name", "VOLUME NAME"}, {"Scope", "SCOPE"}, {"Mountpoint", "MOUNTPOINT"},
                     {"Labels", "LABELS"}});
    for (const auto& warning : array_field(reply, "Warnings"))
        if (warning.is_string()) *ctx.console.err << warning.get<std::string>() << '\n';
    ctx.console.out->flush();
    return exit_code::kOk;
}

int run_volume_inspect(const CliContext& ctx, const VolumeInspectOptions& options) {
    std::optional<FormatTemplate> tmpl;
    if (!options.format.empty()) tmpl.emplace(options.format);
    const DaemonClient client = ctx.client();
    nlohmann::ordered_json found = nlohmann::ordered_json::array();
    std::string errors;
    for (const auto& name : options.names) {
        const HttpResponse response = client.request("GET", volume_target(name));
        try {
            throw_if_daemon_error(response);
        } catch (const DaemonError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
            continue;
        }
        auto volume = nlohmann::ordered_json::parse(response.body, nullptr, false);
        if (volume.is_discarded()) throw CliError("the daemon sent a reply that is not valid JSON");
        if (tmpl)
            *ctx.console.out << tmpl->render(nlohmann::json::parse(response.body)) << '\n';
        else
            found.push_back(std::move(volume));
    }
    if (!tmpl) *ctx.console.out << found.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    ctx.console.out->flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

int run_volume_rm(const CliContext& ctx, const VolumeRmOptions& options) {
    const DaemonClient client = ctx.client();
    QueryString query;
    if (options.force) query.add("force", "1");
    std::string errors;
    for (const auto& name : options.names) {
        try {
            throw_if_daemon_error(client.request("DELETE", volume_target(name, query.str())));
            *ctx.console.out << name << '\n';
        } catch (const DaemonError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    ctx.console.out->flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

int run_volume_prune(const CliContext& ctx, const VolumePruneOptions& options) {
    const char* warning = options.all ? "WARNING! This will remove all local volumes not used by at least one container."
                                      : "WARNING! This will remove anonymous local volumes not used by at least one container.";
    if (!options.force && !confirm_prompt(ctx.console, warning)) throw CliError("volume prune has been cancelled");
    std::vector<std::string> filters = options.filters;
    if (options.all) filters.push_back("all=true");
    QueryString query;
    const std::string text = filters_json(filters);
    if (!text.empty()) query.add("filters", text);
    const nlohmann::json report = json_reply(ctx.client().request("POST", api_path("/volumes/prune" + query.str())));
    std::ostream& out = *ctx.console.out;
    const auto& deleted = array_field(report, "VolumesDeleted");
    if (!deleted.empty()) {
        out << "Deleted Volumes:\n";
        for (const auto& name : deleted)
            if (name.is_string()) out << name.get<std::string>() << '\n';
        out << '\n';
    }
    const auto reclaimed = report.is_object() ? report.find("SpaceReclaimed") : report.end();
    const double bytes = reclaimed != report.end() && reclaimed->is_number() ? reclaimed->get<double>() : 0.0;
    out << "Total reclaimed space: " << decimal_size(bytes) << '\n';
    out.flush();
    return exit_code::kOk;
}

void add_volume_command(CLI::App& app, CliContext& ctx) {
    CLI::App* volume = app.add_subcommand("volume", "Manage volumes");

    auto create = std::make_shared<VolumeCreateOptions>();
    CLI::App* cmd = volume->add_subcommand("create", "Create a volume");
    cmd->add_option("VOLUME", create->name, "Volume name");
    cmd->add_option("--name", create->name, "Specify volume name");
    cmd->add_option("-d,--driver", create->driver, "Specify volume driver name");
    cmd->add_option("-o,--opt", create->options, "Set driver specific options")->allow_extra_args(false);
    cmd->add_option("--label", create->labels, "Set metadata for a volume")->allow_extra_args(false);
    on_selected(*cmd, ctx, [&ctx, create] { return run_volume_create(ctx, *create); });

    auto ls = std::make_shared<VolumeLsOptions>();
    cmd = volume->add_subcommand("ls", "List volumes");
    cmd->alias("list");
    cmd->add_flag("-q,--quiet", ls->quiet, "Only display volume names");
    cmd->add_option("-f,--filter", ls->filters, "Provide filter values (e.g. \"dangling=true\")")->allow_extra_args(false);
    cmd->add_option("--format", ls->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, ls] { return run_volume_ls(ctx, *ls); });

    auto inspect = std::make_shared<VolumeInspectOptions>();
    cmd = volume->add_subcommand("inspect", "Display detailed information on one or more volumes");
    cmd->add_option("VOLUME", inspect->names, "Volumes")->required();
    cmd->add_option("-f,--format", inspect->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, inspect] { return run_volume_inspect(ctx, *inspect); });

    auto rm = std::make_shared<VolumeRmOptions>();
    cmd = volume->add_subcommand("rm", "Remove one or more volumes");
    cmd->alias("remove");
    cmd->add_option("VOLUME", rm->names, "Volumes")->required();
    cmd->add_flag("-f,--force", rm->force, "Force the removal of one or more volumes");
    on_selected(*cmd, ctx, [&ctx, rm] { return run_volume_rm(ctx, *rm); });

    auto prune = std::make_shared<VolumePruneOptions>();
    cmd = volume->add_subcommand("prune", "Remove unused local volumes");
    cmd->add_flag("-a,--all", prune->all, "Remove all unused volumes, not just anonymous ones");
    cmd->add_flag("-f,--force", prune->force, "Do not prompt for confirmation");
    cmd->add_option("--filter", prune->filters, "Provide filter values (e.g. \"label=<label>\")")->allow_extra_args(false);
    on_selected(*cmd, ctx, [&ctx, prune] { return run_volume_prune(ctx, *prune); });
}

}  // namespace berth::cli
