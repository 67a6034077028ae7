#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli_context.h"
#include "create_request.h"

// The container commands (`berth container ...` and docker's top-level
// shortcuts run, ps, exec, logs, ...). As for the image commands, each has an
// options struct and a run function that tests call against a fake daemon.
namespace berth::cli {

int run_create(const CliContext& ctx, const ContainerCreateOptions& options);
int run_run(const CliContext& ctx, const ContainerCreateOptions& options);

struct StartOptions {
    std::vector<std::string> containers;
    bool attach = false;
    bool interactive = false;
    std::string detach_keys;
};
int run_start(const CliContext& ctx, const StartOptions& options);

struct StopOptions {
    std::vector<std::string> containers;
    std::optional<int> time;
    std::string signal;
};
int run_stop(const CliContext& ctx, const StopOptions& options);
int run_restart(const CliContext& ctx, const StopOptions& options);

struct KillOptions {
    std::vector<std::string> containers;
    std::string signal;
};
int run_kill(const CliContext& ctx, const KillOptions& options);

struct RmOptions {
    std::vector<std::string> containers;
    bool force = false;
    bool volumes = false;
    bool link = false;
};
int run_rm(const CliContext& ctx, const RmOptions& options);

// pause, unpause and wait: one request per container, the same shape.
struct ContainerListArgs {
    std::vector<std::string> containers;
};
int run_pause(const CliContext& ctx, const ContainerListArgs& options);
int run_unpause(const CliContext& ctx, const ContainerListArgs& options);
int run_wait(const CliContext& ctx, const ContainerListArgs& options);

struct RenameOptions {
    std::string container;
    std::string new_name;
};
int run_rename(const CliContext& ctx, const RenameOptions& options);

struct PsOptions {
    bool all = false;
    bool quiet = false;
    int last = -1;
    bool latest = false;
    bool size = false;
    bool no_trunc = false;
    std::vector<std::string> filters;
    std::string format;
};
int run_ps(const CliContext& ctx, const PsOptions& options);

struct ContainerInspectOptions {
    std::vector<std::string> names;
    std::string format;
    bool size = false;
    std::string type;  // top-level `inspect --type`
};
int run_container_inspect(const CliContext& ctx, const ContainerInspectOptions& options);
// Top-level `berth inspect`: each name as a container, then as an image
// (only on 404), then "Error: No such object: NAME".
int run_inspect_any(const CliContext& ctx, const ContainerInspectOptions& options);

struct LogsOptions {
    std::string container;
    bool follow = false;
    std::string tail = "all";
    std::string since;
    std::string until;
    bool timestamps = false;
    bool details = false;
};
int run_logs(const CliContext& ctx, const LogsOptions& options);

struct AttachOptions {
    std::string container;
    std::string detach_keys;
    bool no_stdin = false;
    bool sig_proxy = true;
};
int run_attach(const CliContext& ctx, const AttachOptions& options);

struct ExecOptions {
    std::string container;
    std::vector<std::string> command;
    bool interactive = false;
    bool tty = false;
    bool detach = false;
    bool privileged = false;
    std::vector<std::string> env;
    std::vector<std::string> env_files;
    std::string user;
    std::string workdir;
    std::string detach_keys;
};
int run_exec(const CliContext& ctx, const ExecOptions& options);

struct TopOptions {
    std::string container;
    std::vector<std::string> ps_args;
};
int run_top(const CliContext& ctx, const TopOptions& options);

struct PortOptions {
    std::string container;
    std::string port;  // PRIVATE_PORT[/PROTO], optional
};
int run_port(const CliContext& ctx, const PortOptions& options);

struct StatsOptions {
    std::vector<std::string> containers;
    bool all = false;
    bool no_stream = false;
    bool no_trunc = false;
    std::string format;
};
int run_stats(const CliContext& ctx, const StatsOptions& options);

struct CpOptions {
    std::string source;
    std::string destination;
    bool archive = false;
    bool follow_link = false;
    bool quiet = false;
};
int run_cp(const CliContext& ctx, const CpOptions& options);

struct DiffOptions {
    std::string container;
};
int run_diff(const CliContext& ctx, const DiffOptions& options);

struct CommitOptions {
    std::string container;
    std::string reference;
    std::string author;
    std::string message;
    std::vector<std::string> changes;
    bool pause = true;
};
int run_commit(const CliContext& ctx, const CommitOptions& options);

struct ExportOptions {
    std::string container;
    std::string output;
};
int run_export(const CliContext& ctx, const ExportOptions& options);

struct UpdateOptions {
    std::vector<std::string> containers;
    std::string memory;
    std::string memory_swap;
    std::string memory_reservation;
    std::string cpus;
    std::optional<std::int64_t> cpu_shares;
    std::optional<std::int64_t> pids_limit;
    std::optional<std::uint16_t> blkio_weight;
    std::string restart;
};
int run_update(const CliContext& ctx, const UpdateOptions& options);

struct ContainerPruneOptions {
    bool force = false;
    std::vector<std::string> filters;
};
int run_container_prune(const CliContext& ctx, const ContainerPruneOptions& options);

// Volumes.
struct VolumeCreateOptions {
    std::string name;
    std::string driver = "local";
    std::vector<std::string> options;
    std::vector<std::string> labels;
};
int run_volume_create(const CliContext& ctx, const VolumeCreateOptions& options);

struct VolumeLsOptions {
    bool quiet = false;
    std::vector<std::string> filters;
    std::string format;
};
int run_volume_ls(const CliContext& ctx, const VolumeLsOptions& options);

struct VolumeInspectOptions {
    std::vector<std::string> names;
    std::string format;
};
int run_volume_inspect(const CliContext& ctx, const VolumeInspectOptions& options);

struct VolumeRmOptions {
    std::vector<std::string> names;
    bool force = false;
};
int run_volume_rm(const CliContext& ctx, const VolumeRmOptions& options);

struct VolumePruneOptions {
    bool force = false;
    bool all = false;
    std::vector<std::string> filters;
};
int run_volume_prune(const CliContext& ctx, const VolumePruneOptions& options);

// Registration, one function per file; the `container` group and the
// top-level shortcuts both call them.
void add_create_command(CLI::App& parent, CliContext& ctx);
void add_run_command(CLI::App& parent, CliContext& ctx);
void add_lifecycle_commands(CLI::App& parent, CliContext& ctx);  // start stop kill restart rm pause unpause wait rename
void add_ps_command(CLI::App& parent, CliContext& ctx, const std::string& name);
void add_container_inspect_command(CLI::App& parent, CliContext& ctx);
void add_logs_command(CLI::App& parent, CliContext& ctx);
void add_attach_command(CLI::App& parent, CliContext& ctx);
void add_exec_command(CLI::App& parent, CliContext& ctx);
void add_top_command(CLI::App& parent, CliContext& ctx);
void add_port_command(CLI::App& parent, CliContext& ctx);
void add_stats_command(CLI::App& parent, CliContext& ctx);
void add_cp_command(CLI::App& parent, CliContext& ctx);
void add_diff_command(CLI::App& parent, CliContext& ctx);
void add_commit_command(CLI::App& parent, CliContext& ctx);
void add_export_command(CLI::App& parent, CliContext& ctx);
void add_update_command(CLI::App& parent, CliContext& ctx);
void add_container_prune_command(CLI::App& parent, CliContext& ctx);

}  // namespace berth::cli
