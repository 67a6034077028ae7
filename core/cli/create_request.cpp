#include "create_request.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "errors.h"
#include "network_request.h"
#include "query_string.h"

namespace berth::cli {
namespace {

using nlohmann::json;

json list_or_null(const std::vector<std::string>& values) {
    return values.empty() ? json(nullptr) : json(values);
}

bool has(const std::vector<std::string>& values, const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

// opts.go: every -v with a source is a bind (or named volume) for Binds; a
// lone container path is an anonymous volume for Config.Volumes.
void split_volumes(const std::vector<std::string>& volumes, json& binds, json& anonymous) {
    for (const auto& spec : volumes) {
        if (spec.empty()) throw CliError("invalid empty volume spec");
        const auto colon = spec.find(':');
        if (colon == std::string::npos) {
            anonymous[spec] = json::object();
            continue;
        }
        std::string host = spec.substr(0, colon);
        // A relative host path starting with '.' is made absolute here, as
        // the daemon resolves paths in its own working directory.
        if (!host.empty() && host.front() == '.') host = std::filesystem::absolute(host).lexically_normal().string();
        if (host.size() > 1 && host.back() == '/') host.pop_back();
        binds.push_back(host + spec.substr(colon));
    }
}

std::optional<json> healthcheck(const ContainerCreateOptions& o) {
    const bool any = o.health_cmd || o.health_interval || o.health_timeout || o.health_start_period ||
                     o.health_retries;
    if (o.no_healthcheck) {
        if (any) throw CliError("--no-healthcheck conflicts with --health-* options");
        return json{{"Test", {"NONE"}}};
    }
    if (!any) return std::nullopt;
    const auto duration = [](const std::optional<std::string>& text, const char* flag) -> std::int64_t {
        if (!text) return 0;
        const std::int64_t ns = go_duration_ns(*text);
        if (ns < 0) throw CliError(std::string("--") + flag + " cannot be negative");
        return ns;
    };
    json health = json::object();
    if (o.health_cmd && !o.health_cmd->empty()) health["Test"] = {"CMD-SHELL", *o.health_cmd};
    const auto interval = duration(o.health_interval, "health-interval");
    const auto timeout = duration(o.health_timeout, "health-timeout");
    const auto start = duration(o.health_start_period, "health-start-period");
    if (o.health_retries && *o.health_retries < 0) throw CliError("--health-retries cannot be negative");
    if (interval) health["Interval"] = interval;
    if (timeout) health["Timeout"] = timeout;
    if (start) health["StartPeriod"] = start;
    if (o.health_retries && *o.health_retries) health["Retries"] = *o.health_retries;
    return health;
}

json resources(const ContainerCreateOptions& o, json& host) {
    host["CpuShares"] = o.cpu_shares;
    host["Memory"] = o.memory.empty() ? 0 : ram_in_bytes(o.memory);
    host["NanoCpus"] = o.cpus.empty() ? 0 : nano_cpus(o.cpus);
    host["CgroupParent"] = "";
    host["BlkioWeight"] = o.blkio_weight;
    for (const char* key : {"BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps",
                            "BlkioDeviceWriteIOps", "DeviceCgroupRules", "DeviceRequests"})
        host[key] = nullptr;
    for (const char* key : {"CpuPeriod", "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime"}) host[key] = 0;
    host["CpusetCpus"] = "";
    host["CpusetMems"] = "";
    json devices = json::array();
    for (const auto& d : o.devices) devices.push_back(device_mapping(d));
    host["Devices"] = devices.empty() ? json(nullptr) : devices;
    host["MemoryReservation"] = 0;
    std::int64_t swap = 0;
    if (o.memory_swap == "-1") swap = -1;
    else if (!o.memory_swap.empty()) swap = ram_in_bytes(o.memory_swap);
    host["MemorySwap"] = swap;
    host["MemorySwappiness"] = -1;
    host["OomKillDisable"] = false;
    host["PidsLimit"] = o.pids_limit ? json(*o.pids_limit) : json(nullptr);
    json ulimits = json::array();
    for (const auto& u : o.ulimits) ulimits.push_back(ulimit_spec(u));
    host["Ulimits"] = ulimits.empty() ? json(nullptr) : ulimits;
    host["CpuCount"] = 0;
    host["CpuPercent"] = 0;
    host["IOMaximumIOps"] = 0;
    host["IOMaximumBandwidth"] = 0;
    return host;
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
}

CreateRequest build_create_request(const ContainerCreateOptions& o, bool for_run, const EnvLookup& lookup,
                                   ConsoleSizeHint console) {
    for (const auto& stream : o.attach)
        if (stream != "stdin" && stream != "stdout" && stream != "stderr")
            throw CliError("valid streams are STDIN, STDOUT and STDERR");
    if (for_run && o.detach && !o.attach.empty()) throw CliError("Conflicting options: -a and -d");
    if (o.pull != "missing" && o.pull != "always" && o.pull != "never")
        throw CliError("invalid pull option: '" + o.pull + "': must be one of \"always\", \"missing\" or \"never\"");

    json config = json::object();
    json host = json::object();

    // docker stopped splitting -h into Hostname and Domainname long ago.
    config["Hostname"] = o.hostname;
    config["Domainname"] = "";
    config["User"] = o.user;
    bool attach_stdin = has(o.attach, "stdin") || o.interactive;
    bool attach_stdout = o.attach.empty() || has(o.attach, "stdout");
    bool attach_stderr = o.attach.empty() || has(o.attach, "stderr");
    bool stdin_once = o.interactive && attach_stdin;
    if (for_run && o.detach) attach_stdin = attach_stdout = attach_stderr = stdin_once = false;
    config["AttachStdin"] = attach_stdin;
    config["AttachStdout"] = attach_stdout;
    config["AttachStderr"] = attach_stderr;

    json exposed = json::object();
    json bindings = json::object();
    for (const auto& p : o.publish) add_port_spec(p, exposed, bindings);
    for (const auto& e : o.expose) add_exposed_ports(e, exposed);
    if (!exposed.empty()) config["ExposedPorts"] = exposed;
    config["Tty"] = o.tty;
    config["OpenStdin"] = o.interactive;
    config["StdinOnce"] = stdin_once;

    std::vector<std::string> env;
    for (const auto& file : o.env_files)
        for (auto& line : read_kv_file(file, &lookup)) env.push_back(std::move(line));
    for (const auto& e : o.env) env.push_back(resolve_env(e, lookup));
    config["Env"] = env;
    config["Cmd"] = list_or_null(o.args);
    if (auto health = healthcheck(o)) config["Healthcheck"] = *health;
    config["Image"] = o.image;

    json binds = json::array();
    json anonymous = json::object();
    split_volumes(o.volumes, binds, anonymous);
    config["Volumes"] = anonymous;
    config["WorkingDir"] = o.workdir;
    if (o.entrypoint)
        config["Entrypoint"] = json::array({*o.entrypoint});
    else
        config["Entrypoint"] = nullptr;
    config["OnBuild"] = nullptr;
    std::vector<std::string> labels;
    for (const auto& file : o.label_files)
        for (auto& line : read_kv_file(file, nullptr)) labels.push_back(std::move(line));
    labels.insert(labels.end(), o.labels.begin(), o.labels.end());
    config["Labels"] = kv_map(labels);
    if (!o.stop_signal.empty()) config["StopSignal"] = o.stop_signal;
    if (o.stop_timeout) config["StopTimeout"] = *o.stop_timeout;

    host["Binds"] = binds.empty() ? json(nullptr) : binds;
    host["ContainerIDFile"] = "";
    json log_opts = json::object();
    for (const auto& opt : o.log_opts) {
        const auto eq = opt.find('=');
        if (eq == std::string::npos) throw CliError("invalid key/value pair format in logging options: " + opt);
        log_opts[opt.substr(0, eq)] = opt.substr(eq + 1);
    }
    host["LogConfig"] = {{"Type", o.log_driver}, {"Config", log_opts}};
    host["NetworkMode"] = o.network.empty() ? "default" : o.network;
    host["PortBindings"] = bindings;
    const json policy = restart_policy(o.restart.empty() ? "no" : o.restart);
    if (o.auto_remove && policy["Name"] != "no" && policy["Name"] != "")
        throw CliError("Conflicting options: --restart and --rm");
    host["RestartPolicy"] = policy;
    host["AutoRemove"] = o.auto_remove;
    host["VolumeDriver"] = "";
    host["VolumesFrom"] = nullptr;
    const bool sized = o.tty && console.width > 0;
    host["ConsoleSize"] = {sized ? console.height : 0u, sized ? console.width : 0u};
    std::vector<std::string> caps;
    for (const auto& c : o.cap_add) caps.push_back(normalize_capability(c));
    host["CapAdd"] = list_or_null(caps);
    caps.clear();
    for (const auto& c : o.cap_drop) caps.push_back(normalize_capability(c));
    host["CapDrop"] = list_or_null(caps);
    host["CgroupnsMode"] = "";
    host["Dns"] = json::array();
    host["DnsOptions"] = json::array();
    host["DnsSearch"] = json::array();
    host["ExtraHosts"] = nullptr;
    host["GroupAdd"] = nullptr;
    host["IpcMode"] = "";
    host["Cgroup"] = "";
    host["Links"] = nullptr;
    host["OomScoreAdj"] = 0;
    host["PidMode"] = "";
    host["Privileged"] = o.privileged;
    host["PublishAllPorts"] = o.publish_all;
    host["ReadonlyRootfs"] = o.read_only;
    std::vector<std::string> security;
    for (const auto& s : o.security_opts) security.push_back(security_opt(s));
    host["SecurityOpt"] = list_or_null(security);
    if (!o.tmpfs.empty()) {
        json tmpfs = json::object();
        for (const auto& t : o.tmpfs) {
            const auto [path, options] = tmpfs_spec(t);
            tmpfs[path] = options;
        }
        host["Tmpfs"] = tmpfs;
    }
    host["UTSMode"] = "";
    host["UsernsMode"] = o.userns;
    host["ShmSize"] = o.shm_size.empty() ? 0 : ram_in_bytes(o.shm_size);
    if (!o.runtime.empty()) host["Runtime"] = o.runtime;
    host["Isolation"] = "";
    resources(o, host);
    json mounts = json::array();
    for (const auto& m : o.mounts) mounts.push_back(mount_spec(m));
    if (!mounts.empty()) host["Mounts"] = mounts;
    host["MaskedPaths"] = nullptr;
    host["ReadonlyPaths"] = nullptr;
    if (o.init) host["Init"] = true;

    json body = config;
    body["HostConfig"] = host;
    // docker keys the endpoint by the network mode ("default" without
    // --network); it is only worth sending when it asks for something.
    json endpoints = json::object();
    if (!o.network_aliases.empty() || !o.ipv4.empty() || !o.ipv6.empty())
        endpoints[host["NetworkMode"].get<std::string>()] =
            json(endpoint_settings(o.ipv4, o.ipv6, o.network_aliases, false, nullptr));
    body["NetworkingConfig"] = {{"EndpointsConfig", endpoints}};

    QueryString query;
    if (!o.name.empty()) query.add("name", o.name);
    if (!o.platform.empty()) query.add("platform", o.platform);
    return {query.str(), body};
}

}  // namespace berth::cli
