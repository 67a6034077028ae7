#include "commands/container_create_flags.h"

#include <memory>

#include <CLI/CLI.hpp>

namespace berth::cli {
namespace {

// Repeatable flags take one value per occurrence, so `-e A=1 busybox` does not
// swallow the image name.
void add_list(CLI::App& cmd, const std::string& names, std::vector<std::string>& into, const std::string& help) {
    cmd.add_option(names, into, help)->allow_extra_args(false);
}

}  // namespace

std::function<void()> add_create_flags(CLI::App& cmd, ContainerCreateOptions& o, bool for_run) {
    // Like docker (SetInterspersed(false)): flags stop at the image name, so
    // the command's own flags (`sh -c ...`) are left alone.
    cmd.positionals_at_end(true);
    // -h is --hostname, as in docker; help stays reachable as --help.
    cmd.set_help_flag("--help", "Print usage");
    cmd.add_option("IMAGE", o.image, "Image to create the container from")->required();
    cmd.add_option("COMMAND", o.args, "Command and arguments");

    if (for_run) {
        cmd.add_flag("-d,--detach", o.detach, "Run container in background and print container ID");
        cmd.add_flag("--sig-proxy", o.sig_proxy, "Proxy received signals to the process");
        cmd.add_option("--detach-keys", o.detach_keys, "Override the key sequence for detaching a container");
    }
    cmd.add_flag("--rm", o.auto_remove, "Automatically remove the container when it exits");
    cmd.add_flag("-i,--interactive", o.interactive, "Keep STDIN open even if not attached");
    cmd.add_flag("-t,--tty", o.tty, "Allocate a pseudo-TTY");
    add_list(cmd, "-a,--attach", o.attach, "Attach to STDIN, STDOUT or STDERR");
    cmd.add_option("--name", o.name, "Assign a name to the container");
    cmd.add_option("--platform", o.platform, "Set platform if server is multi-platform capable");
    cmd.add_option("--pull", o.pull, "Pull image before running (\"always\", \"missing\", \"never\")");
    cmd.add_flag("-q,--quiet", o.quiet_pull, "Suppress the pull output");
    add_list(cmd, "-e,--env", o.env, "Set environment variables");
    add_list(cmd, "--env-file", o.env_files, "Read in a file of environment variables");
    add_list(cmd, "-l,--label", o.labels, "Set meta data on a container");
    add_list(cmd, "--label-file", o.label_files, "Read in a line delimited file of labels");
    cmd.add_option("-w,--workdir", o.workdir, "Working directory inside the container");
    auto entrypoint = std::make_shared<std::string>();
    CLI::Option* entrypoint_opt = cmd.add_option("--entrypoint", *entrypoint, "Overwrite the default ENTRYPOINT of the image");
    cmd.add_option("-u,--user", o.user, "Username or UID (format: <name|uid>[:<group|gid>])");
    cmd.add_option("-h,--hostname", o.hostname, "Container host name");
    cmd.add_option("--stop-signal", o.stop_signal, "Signal to stop the container");
    auto stop_timeout = std::make_shared<int>(0);
    CLI::Option* stop_timeout_opt = cmd.add_option("--stop-timeout", *stop_timeout, "Timeout (in seconds) to stop a container");

    add_list(cmd, "-v,--volume", o.volumes, "Bind mount a volume");
    add_list(cmd, "--mount", o.mounts, "Attach a filesystem mount to the container");
    add_list(cmd, "--tmpfs", o.tmpfs, "Mount a tmpfs directory");
    add_list(cmd, "--device", o.devices, "Add a host device to the container");
    add_list(cmd, "-p,--publish", o.publish, "Publish a container's port(s) to the host");
    cmd.add_flag("-P,--publish-all", o.publish_all, "Publish all exposed ports to random ports");
    add_list(cmd, "--expose", o.expose, "Expose a port or a range of ports");

    cmd.add_option("--restart", o.restart, "Restart policy to apply when a container exits");
    auto health_cmd = std::make_shared<std::string>();
    auto health_interval = std::make_shared<std::string>();
    auto health_timeout = std::make_shared<std::string>();
    auto health_start = std::make_shared<std::string>();
    auto health_retries = std::make_shared<int>(0);
    CLI::Option* hc = cmd.add_option("--health-cmd", *health_cmd, "Command to run to check health");
    CLI::Option* hi = cmd.add_option("--health-interval", *health_interval, "Time between running the check");
    CLI::Option* ht = cmd.add_option("--health-timeout", *health_timeout, "Maximum time to allow one check to run");
    CLI::Option* hs = cmd.add_option("--health-start-period", *health_start, "Start period for the container to initialize");
    CLI::Option* hr = cmd.add_option("--health-retries", *health_retries, "Consecutive failures needed to report unhealthy");
    cmd.add_flag("--no-healthcheck", o.no_healthcheck, "Disable any container-specified HEALTHCHECK");

    cmd.add_option("-m,--memory", o.memory, "Memory limit");
    cmd.add_option("--memory-swap", o.memory_swap, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap");
    cmd.add_option("--cpus", o.cpus, "Number of CPUs");
    cmd.add_option("-c,--cpu-shares", o.cpu_shares, "CPU shares (relative weight)");
    auto pids = std::make_shared<std::int64_t>(0);
    CLI::Option* pids_opt = cmd.add_option("--pids-limit", *pids, "Tune container pids limit (set -1 for unlimited)");
    cmd.add_option("--blkio-weight", o.blkio_weight, "Block IO (relative weight), between 10 and 1000, or 0 to disable");
    cmd.add_option("--shm-size", o.shm_size, "Size of /dev/shm");
    add_list(cmd, "--ulimit", o.ulimits, "Ulimit options");

    cmd.add_flag("--read-only", o.read_only, "Mount the container's root filesystem as read only");
    cmd.add_flag("--privileged", o.privileged, "Give extended privileges to this container");
    cmd.add_flag("--init", o.init, "Run an init inside the container that forwards signals and reaps processes");
    add_list(cmd, "--cap-add", o.cap_add, "Add Linux capabilities");
    add_list(cmd, "--cap-drop", o.cap_drop, "Drop Linux capabilities");
    add_list(cmd, "--security-opt", o.security_opts, "Security Options");
    cmd.add_option("--network,--net", o.network, "Connect a container to a network");
    add_list(cmd, "--network-alias,--net-alias", o.network_aliases, "Add network-scoped alias for the container");
    cmd.add_option("--ip", o.ipv4, "IPv4 address (e.g., 172.30.100.104)");
    cmd.add_option("--ip6", o.ipv6, "IPv6 address (e.g., 2001:db8::33)");
    cmd.add_option("--runtime", o.runtime, "Runtime to use for this container");
    cmd.add_option("--userns", o.userns, "User namespace to use");
    cmd.add_option("--log-driver", o.log_driver, "Logging driver for the container");
    add_list(cmd, "--log-opt", o.log_opts, "Log driver options");

    return [&o, entrypoint, entrypoint_opt, stop_timeout, stop_timeout_opt, health_cmd, health_interval,
            health_timeout, health_start, health_retries, hc, hi, ht, hs, hr, pids, pids_opt] {
        if (entrypoint_opt->count() > 0) o.entrypoint = *entrypoint;
        if (stop_timeout_opt->count() > 0) o.stop_timeout = *stop_timeout;
        if (hc->count() > 0) o.health_cmd = *health_cmd;
        if (hi->count() > 0) o.health_interval = *health_interval;
        if (ht->count() > 0) o.health_timeout = *health_timeout;
        if (hs->count() > 0) o.health_start_period = *health_start;
        if (hr->count() > 0) o.health_retries = *health_retries;
        if (pids_opt->count() > 0) o.pids_limit = *pids;
    };
}

}  // namespace berth::cli
