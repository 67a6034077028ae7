#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "byte_units.h"
#include "commands/container_commands.h"
#include "confirm_prompt.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"
#include "query_string.h"
#include "run_flags.h"

// `update` (resources and restart policy of existing containers) and
// `container prune`.
namespace berth::cli {

int run_update(const CliContext& ctx, const UpdateOptions& options) {
    nlohmann::json body = nlohmann::json::object();
    if (!options.memory.empty()) body["Memory"] = ram_in_bytes(options.memory);
    if (!options.memory_reservation.empty()) body["MemoryReservation"] = ram_in_bytes(options.memory_reservation);
    if (options.memory_swap == "-1")
        body["MemorySwap"] = -1;
    else if (!options.memory_swap.empty())
        body["MemorySwap"] = ram_in_bytes(options.memory_swap);
    if (!options.cpus.empty()) body["NanoCpus"] = nano_cpus(options.cpus);
    if (options.cpu_shares) body["CpuShares"] = *options.cpu_shares;
    if (options.pids_limit) body["PidsLimit"] = *options.pids_limit;
    if (options.blkio_weight) body["BlkioWeight"] = *options.blkio_weight;
    if (!options.restart.empty()) body["RestartPolicy"] = restart_policy(options.restart);
    if (body.empty())
        throw UsageError("you must provide one or more flags when using this command");

    const DaemonClient client = ctx.client();
    const std::string text = dump_json(body);
    std::string errors;
    for (const auto& name : options.containers) {
        try {
            const nlohmann::json reply = json_reply(client.request("POST", container_target(name, "/update"), text));
            for (const auto& warning : array_field(reply, "Warnings"))
                if (warning.is_string()) *ctx.console.err << warning.get<std::string>() << '\n';
            *ctx.console.out << name << '\n';
        } catch (const CliError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    ctx.console.out->flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

int run_container_prune(const CliContext& ctx, const ContainerPruneOptions& options) {
    if (!options.force && !confirm_prompt(ctx.console, "WARNING! This will remove all stopped containers."))
        throw CliError("container prune has been cancelled");
    QueryString query;
    const std::string filters = filters_json(options.filters);
    if (!filters.empty()) query.add("filters", filters);
    const nlohmann::json report = json_reply(ctx.client().request("POST", api_path("/containers/prune" + query.str())));
    std::ostream& out = *ctx.console.out;
    const auto& deleted = array_field(report, "ContainersDeleted");
    if (!deleted.empty()) {
        out << "Deleted Containers:\n";
        for (const auto& id : deleted)
            if (id.is_string()) out << id.get<std::string>() << '\n';
        out << '\n';
    }
    const auto reclaimed = report.is_object() ? report.find("SpaceReclaimed") : report.end();
    const double bytes = reclaimed != report.end() && reclaimed->is_number() ? reclaimed->get<double>() : 0.0;
    out << "Total reclaimed space: " << decimal_size(bytes) << '\n';
    out.flush();
    return exit_code::kOk;
}

void add_update_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<UpdateOptions>();
    auto shares = std::make_shared<std::int64_t>(0);
    auto pids = std::make_shared<std::int64_t>(0);
    auto weight = std::make_shared<std::uint16_t>(0);
    CLI::App* cmd = parent.add_subcommand("update", "Update configuration of one or more containers");
    cmd->add_option("CONTAINER", o->containers, "Containers")->required();
    cmd->add_option("-m,--memory", o->memory, "Memory limit");
    cmd->add_option("--memory-swap", o->memory_swap, "Swap limit equal to memory plus swap: -1 to enable unlimited swap");
    cmd->add_option("--memory-reservation", o->memory_reservation, "Memory soft limit");
    cmd->add_option("--cpus", o->cpus, "Number of CPUs");
    CLI::Option* c = cmd->add_option("-c,--cpu-shares", *shares, "CPU shares (relative weight)");
    CLI::Option* p = cmd->add_option("--pids-limit", *pids, "Tune container pids limit (set -1 for unlimited)");
    CLI::Option* b = cmd->add_option("--blkio-weight", *weight, "Block IO (relative weight), between 10 and 1000");
    cmd->add_option("--restart", o->restart, "Restart policy to apply when a container exits");
    on_selected(*cmd, ctx, [&ctx, o, shares, pids, weight, c, p, b] {
        if (c->count() > 0) o->cpu_shares = *shares;
        if (p->count() > 0) o->pids_limit = *pids;
        if (b->count() > 0) o->blkio_weight = *weight;
        return run_update(ctx, *o);
    });
}

void add_container_prune_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<ContainerPruneOptions>();
    CLI::App* cmd = parent.add_subcommand("prune", "Remove all stopped containers");
    cmd->add_flag("-f,--force", o->force, "Do not prompt for confirmation");
    cmd->add_option("--filter", o->filters, "Provide filter values (e.g. \"until=<timestamp>\")")->allow_extra_args(false);
    on_selected(*cmd, ctx, [&ctx, o] { return run_container_prune(ctx, *o); });
}

}  // namespace berth::cli
