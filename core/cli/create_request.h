#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_flags.h"

// `run`/`create` flags, and the POST /containers/create request docker's
// runconfig (cli/command/container/opts.go parse()) makes of them. Kept apart
// from the commands so the mapping of every flag is testable without a
// daemon.
namespace berth::cli {

struct ContainerCreateOptions {
    std::string image;
    std::vector<std::string> args;  // COMMAND [ARG...]
    std::string name;
    std::string platform;
    std::string pull = "missing";  // missing | always | never
    bool quiet_pull = false;       // -q: no pull progress

    bool detach = false;  // run only
    bool interactive = false;
    bool tty = false;
    bool auto_remove = false;
    std::vector<std::string> attach;  // -a stdin|stdout|stderr
    bool sig_proxy = true;
    std::string detach_keys;

    std::vector<std::string> env;
    std::vector<std::string> env_files;
    std::vector<std::string> labels;
    std::vector<std::string> label_files;
    std::string workdir;
    std::optional<std::string> entrypoint;  // set (even to "") when given
    std::string user;
    std::string hostname;
    std::string stop_signal;
    std::optional<int> stop_timeout;

    std::vector<std::string> volumes;
    std::vector<std::string> mounts;
    std::vector<std::string> tmpfs;
    std::vector<std::string> devices;
    std::vector<std::string> publish;
    bool publish_all = false;            // -P
    std::vector<std::string> expose;     // --expose PORT[-PORT][/PROTO]

    std::string restart;
    std::optional<std::string> health_cmd;
    std::optional<std::string> health_interval;
    std::optional<std::string> health_timeout;
    std::optional<std::string> health_start_period;
    std::optional<int> health_retries;
    bool no_healthcheck = false;

    std::string memory;
    std::string memory_swap;
    std::string cpus;
    std::int64_t cpu_shares = 0;
    std::optional<std::int64_t> pids_limit;
    std::uint16_t blkio_weight = 0;
    std::string shm_size;
    std::vector<std::string> ulimits;

    bool read_only = false;
    bool privileged = false;
    bool init = false;
    std::vector<std::string> cap_add;
    std::vector<std::string> cap_drop;
    std::vector<std::string> security_opts;
    std::string network;
    std::vector<std::string> network_aliases;  // --network-alias
    std::string ipv4;                          // --ip
    std::string ipv6;                          // --ip6
    std::string runtime;
    std::string userns;
    std::string log_driver;
    std::vector<std::string> log_opts;
};

// Where the terminal's size comes from for HostConfig.ConsoleSize with -t.
struct ConsoleSizeHint {
    unsigned height = 0;
    unsigned width = 0;
};

struct CreateRequest {
    std::string query;  // "?name=..&platform=.." or ""
    nlohmann::json body;
};

// `for_run` applies run's rules (-d clears the Attach* flags and StdinOnce;
// --rm with a restart policy is refused). Throws CliError for bad flags.
CreateRequest build_create_request(const ContainerCreateOptions& options, bool for_run, const EnvLookup& lookup,
                                   ConsoleSizeHint console);

// The real process environment, for EnvLookup.
std::optional<std::string> process_env(const std::string& name);

}  // namespace berth::cli
