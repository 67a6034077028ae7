#include "commands/network_commands.h"

#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/commands.h"
#include "confirm_prompt.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_output.h"
#include "format_template.h"
#include "json_text.h"
#include "query_string.h"

namespace berth::cli {
namespace {

std::string network_target(const std::string& name, const std::string& rest = {}) {
    return api_path("/networks/" + escape_path_segment(name) + rest);
}

std::string body_text(const nlohmann::ordered_json& body) {
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string filters_query(const std::vector<std::string>& filters) {
    QueryString query;
    const std::string text = filters_json(filters);
    if (!text.empty()) query.add("filters", text);
    return query.str();
}

}  // namespace

int run_network_create(const CliContext& ctx, const NetworkCreateOptions& options) {
    const std::string body = body_text(network_create_body(options));
    const nlohmann::json reply = json_reply(ctx.client().request("POST", api_path("/networks/create"), body));
    const std::string warning = field_or(reply, "Warning", "");
    if (!warning.empty()) *ctx.console.err << warning << '\n';
    *ctx.console.out << field_or(reply, "Id", "") << '\n';
    ctx.console.out->flush();
    return exit_code::kOk;
}

int run_network_ls(const CliContext& ctx, const NetworkLsOptions& options) {
    std::string format = options.format;
    if (options.quiet) format = "{{.ID}}";
    if (format.empty() || format == "table") format = kNetworkTableFormat;
    const FormatTemplate tmpl(format);
    const nlohmann::json reply =
        json_reply(ctx.client().request("GET", api_path("/networks" + filters_query(options.filters))));
    print_formatted(*ctx.console.out, tmpl, network_rows(reply, options.no_trunc), network_column_titles());
    ctx.console.out->flush();
    return exit_code::kOk;
}

int run_network_inspect(const CliContext& ctx, const NetworkInspectOptions& options) {
    std::optional<FormatTemplate> tmpl;
    if (!options.format.empty() && options.format != "json") tmpl.emplace(options.format);
    const DaemonClient client = ctx.client();
    nlohmann::ordered_json found = nlohmann::ordered_json::array();
    std::string errors;
    for (const auto& name : options.names) {
        const HttpResponse response =
            client.request("GET", network_target(name, options.verbose ? "?verbose=true" : ""));
        try {
            throw_if_daemon_error(response);
        } catch (const DaemonError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
            continue;
        }
        auto network = nlohmann::ordered_json::parse(response.body, nullptr, false);
        if (network.is_discarded()) throw CliError("the daemon sent a reply that is not valid JSON");
        if (tmpl)
            *ctx.console.out << tmpl->render(nlohmann::json::parse(response.body)) << '\n';
        else
            found.push_back(std::move(network));
    }
    if (!tmpl) *ctx.console.out << found.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    ctx.console.out->flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

int run_network_rm(const CliContext& ctx, const NetworkRmOptions& options) {
    const DaemonClient client = ctx.client();
    int status = exit_code::kOk;
    for (const auto& name : options.names) {
        try {
            throw_if_daemon_error(client.request("DELETE", network_target(name)));
            *ctx.console.out << name << '\n';
        } catch (const DaemonError& e) {
            if (options.force && e.http_status() == 404) continue;
            *ctx.console.err << e.what() << '\n';
            status = exit_code::kFailure;
        }
    }
    ctx.console.out->flush();
    ctx.console.err->flush();
    return status;
}

int run_network_prune(const CliContext& ctx, const NetworkPruneOptions& options) {
    if (!options.force &&
        !confirm_prompt(ctx.console,
                        "WARNING! This will remove all custom networks not used by at least one container."))
        throw CliError("network prune has been cancelled");
    const nlohmann::json report =
        json_reply(ctx.client().request("POST", api_path("/networks/prune" + filters_query(options.filters))));
    std::ostream& out = *ctx.console.out;
    const auto& deleted = array_field(report, "NetworksDeleted");
    if (!deleted.empty()) {
        // docker prints the list and then Println's it: one blank line after.
        out << "Deleted Networks:\n";
        for (const auto& name : deleted)
            if (name.is_string()) out << name.get<std::string>() << '\n';
        out << '\n';
    }
    out.flush();
    return exit_code::kOk;
}

int run_network_connect(const CliContext& ctx, const NetworkConnectOptions& options) {
    const auto body =
        network_connect_body(options.container, options.ipv4, options.ipv6, options.aliases, options.driver_opts);
    throw_if_daemon_error(ctx.client().request("POST", network_target(options.network, "/connect"), body_text(body)));
    return exit_code::kOk;
}

int run_network_disconnect(const CliContext& ctx, const NetworkDisconnectOptions& options) {
    const auto body = network_disconnect_body(options.container, options.force);
    throw_if_daemon_error(
        ctx.client().request("POST", network_target(options.network, "/disconnect"), body_text(body)));
    return exit_code::kOk;
}

void add_network_command(CLI::App& app, CliContext& ctx) {
    CLI::App* network = app.add_subcommand("network", "Manage networks");

    auto create = std::make_shared<NetworkCreateOptions>();
    auto ipv4 = std::make_shared<bool>(true);
    auto ipv6 = std::make_shared<bool>(false);
    CLI::App* cmd = network->add_subcommand("create", "Create a network");
    cmd->add_option("NETWORK", create->name, "Network name")->required();
    cmd->add_option("-d,--driver", create->driver, "Driver to manage the Network");
    cmd->add_option("--subnet", create->subnets, "Subnet in CIDR format that represents a network segment")
        ->allow_extra_args(false);
    cmd->add_option("--gateway", create->gateways, "IPv4 or IPv6 Gateway for the master subnet")
        ->allow_extra_args(false);
    cmd->add_option("--ip-range", create->ip_ranges, "Allocate container ip from a sub-range")->allow_extra_args(false);
    cmd->add_option("--aux-address", create->aux_addresses, "Auxiliary IPv4 or IPv6 addresses used by Network driver")
        ->allow_extra_args(false);
    cmd->add_option("--ipam-driver", create->ipam_driver, "IP Address Management Driver");
    cmd->add_option("--ipam-opt", create->ipam_options, "Set IPAM driver specific options")->allow_extra_args(false);
    cmd->add_option("-o,--opt", create->options, "Set driver specific options")->allow_extra_args(false);
    cmd->add_option("--label", create->labels, "Set metadata on a network")->allow_extra_args(false);
    cmd->add_option("--scope", create->scope, "Control the network's scope");
    cmd->add_option("--config-from", create->config_from, "The network from which to copy the configuration");
    CLI::Option* ipv4_flag = cmd->add_flag("--ipv4{true}", *ipv4, "Enable or disable IPv4 address assignment");
    CLI::Option* ipv6_flag = cmd->add_flag("--ipv6{true}", *ipv6, "Enable or disable IPv6 address assignment");
    cmd->add_flag("--internal", create->internal, "Restrict external access to the network");
    cmd->add_flag("--attachable", create->attachable, "Enable manual container attachment");
    cmd->add_flag("--ingress", create->ingress, "Create swarm routing-mesh network");
    cmd->add_flag("--config-only", create->config_only, "Create a configuration only network");
    on_selected(*cmd, ctx, [&ctx, create, ipv4, ipv6, ipv4_flag, ipv6_flag] {
        // docker sends EnableIPv4/EnableIPv6 only when the flag was given.
        if (ipv4_flag->count() > 0) create->ipv4 = *ipv4;
        if (ipv6_flag->count() > 0) create->ipv6 = *ipv6;
        return run_network_create(ctx, *create);
    });

    auto ls = std::make_shared<NetworkLsOptions>();
    cmd = network->add_subcommand("ls", "List networks");
    cmd->alias("list");
    cmd->add_flag("-q,--quiet", ls->quiet, "Only display network IDs");
    cmd->add_flag("--no-trunc", ls->no_trunc, "Do not truncate the output");
    cmd->add_option("-f,--filter", ls->filters, "Provide filter values (e.g. \"driver=bridge\")")
        ->allow_extra_args(false);
    cmd->add_option("--format", ls->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, ls] { return run_network_ls(ctx, *ls); });

    auto inspect = std::make_shared<NetworkInspectOptions>();
    cmd = network->add_subcommand("inspect", "Display detailed information on one or more networks");
    cmd->add_option("NETWORK", inspect->names, "Networks")->required();
    cmd->add_option("-f,--format", inspect->format, "Format output using a custom template");
    cmd->add_flag("-v,--verbose", inspect->verbose, "Verbose output for diagnostics");
    on_selected(*cmd, ctx, [&ctx, inspect] { return run_network_inspect(ctx, *inspect); });

    auto rm = std::make_shared<NetworkRmOptions>();
    cmd = network->add_subcommand("rm", "Remove one or more networks");
    cmd->alias("remove");
    cmd->add_option("NETWORK", rm->names, "Networks")->required();
    cmd->add_flag("-f,--force", rm->force, "Do not error if the network does not exist");
    on_selected(*cmd, ctx, [&ctx, rm] { return run_network_rm(ctx, *rm); });

    auto prune = std::make_shared<NetworkPruneOptions>();
    cmd = network->add_subcommand("prune", "Remove all unused networks");
    cmd->add_flag("-f,--force", prune->force, "Do not prompt for confirmation");
    cmd->add_option("--filter", prune->filters, "Provide filter values (e.g. \"until=<timestamp>\")")
        ->allow_extra_args(false);
    on_selected(*cmd, ctx, [&ctx, prune] { return run_network_prune(ctx, *prune); });

    auto connect = std::make_shared<NetworkConnectOptions>();
    cmd = network->add_subcommand("connect", "Connect a container to a network");
    cmd->add_option("NETWORK", connect->network, "Network")->required();
    cmd->add_option("CONTAINER", connect->container, "Container")->required();
    cmd->add_option("--ip", connect->ipv4, "IPv4 address (e.g., \"172.30.100.104\")");
    cmd->add_option("--ip6", connect->ipv6, "IPv6 address (e.g., \"2001:db8::33\")");
    cmd->add_option("--alias", connect->aliases, "Add network-scoped alias for the container")
        ->allow_extra_args(false);
    cmd->add_option("--driver-opt", connect->driver_opts, "driver options for the network")->allow_extra_args(false);
    on_selected(*cmd, ctx, [&ctx, connect] { return run_network_connect(ctx, *connect); });

    auto disconnect = std::make_shared<NetworkDisconnectOptions>();
    cmd = network->add_subcommand("disconnect", "Disconnect a container from a network");
    cmd->add_option("NETWORK", disconnect->network, "Network")->required();
    cmd->add_option("CONTAINER", disconnect->container, "Container")->required();
    cmd->add_flag("-f,--force", disconnect->force, "Force the container to disconnect from a network");
    on_selected(*cmd, ctx, [&ctx, disconnect] { return run_network_disconnect(ctx, *disconnect); });
}

}  // namespace berth::cli
