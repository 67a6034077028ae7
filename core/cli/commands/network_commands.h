#pragma once

#include <string>
#include <vector>

#include "cli_context.h"
#include "network_request.h"

// `berth network create|ls|inspect|rm|prune|connect|disconnect` over
// /networks, with docker 28's flags, output and exit statuses. Each has an
// options struct and a run function that tests call against a fake daemon.
namespace berth::cli {

int run_network_create(const CliContext& ctx, const NetworkCreateOptions& options);

struct NetworkLsOptions {
    bool quiet = false;
    bool no_trunc = false;
    std::vector<std::string> filters;
    std::string format;
};
int run_network_ls(const CliContext& ctx, const NetworkLsOptions& options);

struct NetworkInspectOptions {
    std::vector<std::string> names;
    std::string format;
    bool verbose = false;
};
int run_network_inspect(const CliContext& ctx, const NetworkInspectOptions& options);

struct NetworkRmOptions {
    std::vector<std::string> names;
    bool force = false;  // a network that does not exist is not an error
};
// Prints each removed name; errors go to stderr one per name and the status
// is 1 if any failed, as docker's.
int run_network_rm(const CliContext& ctx, const NetworkRmOptions& options);

struct NetworkPruneOptions {
    bool force = false;
    std::vector<std::string> filters;
};
int run_network_prune(const CliContext& ctx, const NetworkPruneOptions& options);

struct NetworkConnectOptions {
    std::string network;
    std::string container;
    std::string ipv4;
    std::string ipv6;
    std::vector<std::string> aliases;
    std::vector<std::string> driver_opts;
};
int run_network_connect(const CliContext& ctx, const NetworkConnectOptions& options);

struct NetworkDisconnectOptions {
    std::string network;
    std::string container;
    bool force = false;
};
int run_network_disconnect(const CliContext& ctx, const NetworkDisconnectOptions& options);

}  // namespace berth::cli
