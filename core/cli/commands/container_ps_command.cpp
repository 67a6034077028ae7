#include <chrono>
#include <memory>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "container_api.h"
#include "container_list.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_output.h"
#include "format_template.h"
#include "query_string.h"

// `berth ps` / `berth container ls`: GET /containers/json printed as docker's
// table, -q IDs or a --format template.
namespace berth::cli {

int run_ps(const CliContext& ctx, const PsOptions& options) {
    std::string format = options.format;
    if (options.quiet) format = "{{.ID}}";
    if (format.empty() || format == "table") format = default_ps_format(options.size);
    const FormatTemplate tmpl(format);
    // As docker: a template that shows sizes asks the daemon for them.
    const bool size = options.size || (!options.quiet && format.find(".Size") != std::string::npos);

    QueryString query;
    if (options.all) query.add("all", "1");
    int limit = options.last;
    if (options.latest && limit == -1) limit = 1;
    if (limit > 0) query.add("limit", std::to_string(limit));
    if (size) query.add("size", "1");
    const std::string filters = filters_json(options.filters);
    if (!filters.empty()) query.add("filters", filters);

    const nlohmann::json containers = json_reply(ctx.client().request("GET", api_path("/containers/json" + query.str())));
    if (!containers.is_array()) throw CliError("the daemon sent a /containers/json reply that is not a JSON array");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    print_formatted(*ctx.console.out, tmpl, container_rows(containers, {options.no_trunc}, now), container_titles());
    ctx.console.out->flush();
    return exit_code::kOk;
}

void add_ps_command(CLI::App& parent, CliContext& ctx, const std::string& name) {
    auto o = std::make_shared<PsOptions>();
    CLI::App* cmd = parent.add_subcommand(name, "List containers");
    if (name == "ls") cmd->alias("list");
    if (name == "ls") cmd->alias("ps");
    cmd->add_flag("-a,--all", o->all, "Show all containers (default shows just running)");
    cmd->add_flag("-q,--quiet", o->quiet, "Only display container IDs");
    cmd->add_option("-n,--last", o->last, "Show n last created containers (includes all states)");
    cmd->add_flag("-l,--latest", o->latest, "Show the latest created container (includes all states)");
    cmd->add_flag("-s,--size", o->size, "Display total file sizes");
    cmd->add_flag("--no-trunc", o->no_trunc, "Don't truncate output");
    cmd->add_option("-f,--filter", o->filters, "Filter output based on conditions provided")->allow_extra_args(false);
    cmd->add_option("--format", o->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, o] { return run_ps(ctx, *o); });
}

}  // namespace berth::cli
