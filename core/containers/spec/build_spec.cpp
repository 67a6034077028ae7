// build_spec.cpp — see build_spec.h. The steps follow dockerd's modifier
// order: process, root and hostname; cgroups and resources; devices; rlimits;
// namespaces; capabilities; seccomp (which needs the final bounding set);
// mounts; AppArmor; no-new-privileges; masked and read-only paths.
#include "containers/spec/build_spec.h"

#include "containers/spec/capabilities.h"
#include "containers/spec/default_seccomp_profile.h"
#include "containers/spec/devices.h"
#include "containers/spec/host_probe.h"
#include "containers/spec/mounts.h"
#include "containers/spec/process_args.h"
#include "containers/spec/seccomp_profile.h"
#include "containers/spec/spec_errors.h"
#include "containers/spec/user_resolution.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

namespace berth::containers::spec {
namespace {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

constexpr std::int64_t kMinMemory = 6 * 1024 * 1024;
constexpr std::int64_t kDefaultShmSize = 64 * 1024 * 1024;

json parse_object(const std::string &text, const char *what) {
    json j = json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
    if (j.is_discarded() || !(j.is_object() || j.is_null()))
        throw invalid_argument(std::string("invalid ") + what + ": not a JSON object");
    return j.is_null() ? json::object() : j;
}

// A field that may be absent or JSON null reads as the fallback.
template <typename T> T get_or(const json &object, const char *key, T fallback) {
    if (!object.contains(key) || object[key].is_null())
        return fallback;
    try {
        return object[key].get<T>();
    } catch (const json::exception &) {
        throw invalid_argument(std::string("invalid value for ") + key);
    }
}

std::vector<std::string> strings(const json &object, const char *key) {
    if (object.contains(key) && object[key].is_string()) // Docker accepts "Cmd": "x" as ["x"]
        return {object[key].get<std::string>()};
    return get_or<std::vector<std::string>>(object, key, {});
}

std::optional<std::vector<std::string>> optional_strings(const json &object, const char *key) {
    if (!object.contains(key) || object[key].is_null())
        return std::nullopt;
    return strings(object, key);
}

struct SecurityOptions {
    bool no_new_privileges = false;
    std::optional<std::string> seccomp; // "unconfined", "builtin" or the profile JSON
    std::optional<std::string> apparmor;
};

SecurityOptions parse_security_options(const std::vector<std::string> &opts) {
    SecurityOptions out;
    for (const auto &opt : opts) {
        if (opt == "no-new-privileges") {
            out.no_new_privileges = true;
            continue;
        }
        auto sep = opt.find('=');
        if (sep == std::string::npos)
            sep = opt.find(':'); // the pre-1.12 "key:value" form
        if (sep == std::string::npos)
            throw invalid_argument("invalid --security-opt 1: \"" + opt + "\"");
        auto key = opt.substr(0, sep);
        auto value = opt.substr(sep + 1);
        if (key == "seccomp")
            out.seccomp = value;
        else if (key == "apparmor")
            out.apparmor = value;
        else if (key == "no-new-privileges") {
            if (value == "true" || value == "1")
                out.no_new_privileges = true;
            else if (value == "false" || value == "0")
                out.no_new_privileges = false;
            else
                throw invalid_argument("invalid --security-opt 3: \"" + opt + "\"");
        } else if (key == "label" || key == "writable-cgroups") {
            continue; // no SELinux here; cgroups follow --privileged
        } else {
            throw invalid_argument("invalid --security-opt 2: \"" + opt + "\"");
        }
    }
    return out;
}

ordered rlimits(const json &host_config, std::uint64_t nofile_max) {
    static const std::set<std::string> kNames = {"as",   "core",   "cpu",      "data",   "fsize",   "locks",
                                                 "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
                                                 "rtprio", "rttime", "sigpending", "stack"};
    ordered out = ordered::array();
    if (!host_config.contains("Ulimits") || !host_config["Ulimits"].is_array())
        return out;
    auto value = [](std::int64_t v) {
        return v < 0 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(v);
    };
    for (const auto &u : host_config["Ulimits"]) {
        auto name = get_or<std::string>(u, "Name", "");
        if (!kNames.count(name))
            throw invalid_argument("invalid ulimit type: " + name);
        auto soft = value(get_or<std::int64_t>(u, "Soft", 0));
        auto hard = value(get_or<std::int64_t>(u, "Hard", 0));
        if (soft > hard)
            throw invalid_argument("ulimit soft limit must be less than or equal to hard limit: " +
                                   std::to_string(soft) + " > " + std::to_string(hard));
        if (name == "nofile" && hard > nofile_max)
            throw invalid_argument("ulimit nofile: hard limit " + std::to_string(hard) +
                                   " exceeds the daemon's own limit " + std::to_string(nofile_max));
        std::string type = "RLIMIT_";
        for (char c : name)
            type.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        out.push_back(ordered{{"type", type}, {"hard", hard}, {"soft", soft}});
    }
    return out;
}

ordered device_rule_json(const DeviceRule &rule) {
    ordered j{{"allow", rule.allow}};
    if (!rule.type.empty())
        j["type"] = rule.type;
    if (!rule.type.empty() && rule.type != "a") {
        if (rule.major >= 0)
            j["major"] = rule.major;
        if (rule.minor >= 0)
            j["minor"] = rule.minor;
    }
    j["access"] = rule.access;
    return j;
}

ordered resources(const json &hc, const HostFacts &host, const std::vector<DeviceRule> &device_rules) {
    ordered r;
    r["devices"] = ordered::array();
    for (const auto &rule : device_rules)
        r["devices"].push_back(device_rule_json(rule));

    ordered memory;
    auto limit = get_or<std::int64_t>(hc, "Memory", 0);
    auto swap = get_or<std::int64_t>(hc, "MemorySwap", 0);
    auto reservation = get_or<std::int64_t>(hc, "MemoryReservation", 0);
    if (limit != 0 && limit < kMinMemory)
        throw invalid_argument("Minimum memory limit allowed is 6MB");
    if (limit > 0)
        memory["limit"] = limit;
    if (reservation != 0) {
        if (reservation < kMinMemory)
            throw invalid_argument("Minimum memory reservation allowed is 6MB");
        if (limit > 0 && reservation > limit)
            throw invalid_argument("Minimum memory limit can not be less than memory reservation limit, see usage");
        memory["reservation"] = reservation;
    }
    if (limit == 0 && swap > 0)
        throw invalid_argument("You should always set the Memory limit when using Memoryswap limit, see usage");
    if (limit > 0 && swap > 0 && swap < limit)
        throw invalid_argument("Minimum memoryswap limit should be larger than memory limit, see usage");
    if (limit > 0 && swap == 0)
        swap = limit * 2; // dockerd's default: as much swap as memory
    if (swap > 0 && *host.swap_limit_supported)
        memory["swap"] = swap;
    memory["disableOOMKiller"] = get_or<bool>(hc, "OomKillDisable", false);
    r["memory"] = memory;

    ordered cpu;
    auto nano = get_or<std::int64_t>(hc, "NanoCpus", 0);
    auto period = get_or<std::int64_t>(hc, "CpuPeriod", 0);
    auto quota = get_or<std::int64_t>(hc, "CpuQuota", 0);
    if (nano != 0) {
        if (period != 0)
            throw invalid_argument("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        if (quota != 0)
            throw invalid_argument("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        auto cpus = static_cast<std::int64_t>(*host.host_cpus);
        if (nano < 10'000'000 || nano > cpus * 1'000'000'000)
            throw invalid_argument("Range of CPUs is from 0.01 to " + std::to_string(cpus) +
                                   ".00, as there are only " + std::to_string(cpus) + " CPUs available");
        period = 100000;
        quota = nano * 100000 / 1'000'000'000;
    }
    if (auto shares = get_or<std::int64_t>(hc, "CpuShares", 0); shares > 0)
        cpu["shares"] = shares;
    if (quota != 0)
        cpu["quota"] = quota;
    if (period != 0)
        cpu["period"] = period;
    if (auto cpus = get_or<std::string>(hc, "CpusetCpus", ""); !cpus.empty())
        cpu["cpus"] = cpus;
    if (auto mems = get_or<std::string>(hc, "CpusetMems", ""); !mems.empty())
        cpu["mems"] = mems;
    if (!cpu.empty())
        r["cpu"] = cpu;

    if (hc.contains("PidsLimit") && !hc["PidsLimit"].is_null()) {
        auto pids = get_or<std::int64_t>(hc, "PidsLimit", 0);
        r["pids"] = ordered{{"limit", pids > 0 ? pids : -1}};
    }

    ordered block_io = ordered::object();
    if (auto weight = get_or<std::int64_t>(hc, "BlkioWeight", 0); weight != 0) {
        if (weight < 10 || weight > 1000)
            throw invalid_argument("Range of blkio weight is from 10 to 1000");
        if (*host.blkio_weight_supported) // dockerd drops it (with a warning) when the kernel lacks it
            block_io["weight"] = weight;
    }
    r["blockIO"] = block_io;
    return r;
}

std::string cgroups_path(const HostFacts &host, const std::string &request_parent) {
    std::string parent = request_parent.empty() ? host.cgroup_parent : request_parent;
    if (host.cgroup_driver == CgroupDriver::Systemd) {
        if (parent.empty() || parent == "/docker")
            parent = "system.slice";
        if (!parent.ends_with(".slice"))
            throw invalid_argument("cgroup-parent for systemd cgroup should be a valid slice named as \"xxx.slice\"");
        return parent + ":docker:" + host.container_id;
    }
    if (parent.empty())
        parent = "/docker";
    if (parent.front() != '/')
        parent = "/" + parent;
    while (parent.size() > 1 && parent.back() == '/')
        parent.pop_back();
    return (parent == "/" ? "" : parent) + "/" + host.container_id;
}

const std::vector<std::string> kMaskedPaths = {
    "/proc/asound",        "/proc/acpi",      "/proc/interrupts", "/proc/kcore",
    "/proc/keys",          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
    "/proc/sched_debug",   "/proc/scsi",      "/sys/firmware",    "/sys/devices/virtual/powercap",
};
const std::vector<std::string> kReadonlyPaths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                 "/proc/sysrq-trigger"};

} // namespace

std::string build_spec(const SpecInput &input) {
    const HostFacts host = probe_missing_host_facts(input.host);
    if (host.container_id.empty())
        throw invalid_argument("container ID must not be empty");
    const json image = parse_object(input.image.config_json, "image config");
    const json body = parse_object(input.create_body, "container config");
    const json hc = body.contains("HostConfig") && body["HostConfig"].is_object() ? body["HostConfig"] : json::object();

    const bool privileged = get_or<bool>(hc, "Privileged", false);
    const bool tty = get_or<bool>(body, "Tty", false);
    const bool read_only = get_or<bool>(hc, "ReadonlyRootfs", false);
    const auto pid_mode = get_or<std::string>(hc, "PidMode", "");
    const auto uts_mode = get_or<std::string>(hc, "UTSMode", "");
    const auto network_mode = get_or<std::string>(hc, "NetworkMode", "");
    const auto security = parse_security_options(strings(hc, "SecurityOpt"));

    std::string hostname = get_or<std::string>(body, "Hostname", "");
    if (hostname.empty())
        hostname = !host.hostname.empty() ? host.hostname : host.container_id.substr(0, 12);

    // process
    auto args = build_args(optional_strings(body, "Entrypoint"), strings(body, "Cmd"), strings(image, "Entrypoint"),
                           strings(image, "Cmd"));
    const bool init = get_or<bool>(hc, "Init", false) && pid_mode != "host";
    if (init)
        args.insert(args.begin(), {"/sbin/docker-init", "--"});
    auto cwd = get_or<std::string>(body, "WorkingDir", "");
    if (cwd.empty())
        cwd = get_or<std::string>(image, "WorkingDir", "");
    if (cwd.empty())
        cwd = "/";
    if (cwd.front() != '/')
        throw invalid_argument("the working directory '" + cwd + "' is invalid, it needs to be an absolute path");
    auto user_spec = get_or<std::string>(body, "User", "");
    if (user_spec.empty())
        user_spec = get_or<std::string>(image, "User", "");
    const auto user = resolve_user(host.rootfs_path, user_spec, strings(hc, "GroupAdd"));
    auto env = build_process_env(hostname, tty, merge_container_env(strings(body, "Env"), strings(image, "Env")));
    const auto caps = effective_capabilities(strings(hc, "CapAdd"), strings(hc, "CapDrop"), privileged,
                                             *host.cap_last_cap);
    auto oom_score_adj = get_or<int>(hc, "OomScoreAdj", 0);
    if (oom_score_adj < -1000 || oom_score_adj > 1000)
        throw invalid_argument("Invalid value " + std::to_string(oom_score_adj) +
                               ", range for oom score adj is [-1000, 1000]");

    ordered process;
    process["terminal"] = tty;
    if (tty && body.contains("ConsoleSize") && body["ConsoleSize"].is_array() && body["ConsoleSize"].size() == 2 &&
        (body["ConsoleSize"][0] != 0 || body["ConsoleSize"][1] != 0))
        process["consoleSize"] = ordered{{"height", body["ConsoleSize"][0]}, {"width", body["ConsoleSize"][1]}};
    process["user"] = ordered{{"uid", user.uid}, {"gid", user.gid}, {"additionalGids", user.additional_gids}};
    process["args"] = args;
    process["env"] = env;
    process["cwd"] = cwd;
    process["capabilities"] = ordered{{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
    if (auto limits = rlimits(hc, host.rlimit_nofile_max); !limits.empty())
        process["rlimits"] = limits;
    if (security.no_new_privileges)
        process["noNewPrivileges"] = true;
    if (*host.apparmor_enabled)
        process["apparmorProfile"] = security.apparmor ? *security.apparmor
                                     : privileged      ? std::string("unconfined")
                                                       : std::string("docker-default");
    process["oomScoreAdj"] = oom_score_adj;

    ordered spec;
    spec["ociVersion"] = "1.2.1";
    spec["process"] = process;
    ordered root{{"path", host.rootfs_path}};
    if (read_only)
        root["readonly"] = true;
    spec["root"] = root;
    if (uts_mode != "host")
        spec["hostname"] = hostname;

    // mounts
    MountRequest mreq;
    mreq.read_only_rootfs = read_only;
    mreq.privileged = privileged;
    mreq.shm_size = get_or<std::int64_t>(hc, "ShmSize", 0);
    if (mreq.shm_size < 0)
        throw invalid_argument("SHM size can not be less than 0");
    if (mreq.shm_size == 0)
        mreq.shm_size = kDefaultShmSize;
    mreq.binds = strings(hc, "Binds");
    mreq.tmpfs = get_or<std::map<std::string, std::string>>(hc, "Tmpfs", {});
    if (init)
        mreq.init_path = host.init_path;
    mreq.hosts_path = host.hosts_path;
    mreq.resolv_conf_path = host.resolv_conf_path;
    mreq.hostname_path = host.hostname_path;
    ordered mounts = ordered::array();
    for (const auto &m : build_mounts(mreq))
        mounts.push_back(
            ordered{{"destination", m.destination}, {"type", m.type}, {"source", m.source}, {"options", m.options}});
    spec["mounts"] = mounts;

    // devices
    std::vector<DeviceNode> nodes;
    std::vector<DeviceRule> rules = default_device_rules();
    if (privileged) {
        nodes = host_devices();
        rules = {{true, "", -1, -1, "rwm"}};
    }
    if (hc.contains("Devices") && hc["Devices"].is_array()) {
        for (const auto &d : hc["Devices"]) {
            auto host_path = get_or<std::string>(d, "PathOnHost", "");
            auto container_path = get_or<std::string>(d, "PathInContainer", "");
            auto perms = get_or<std::string>(d, "CgroupPermissions", "rwm");
            if (container_path.empty())
                container_path = host_path;
            for (auto &node : devices_for(host_path, container_path, perms.empty() ? "rwm" : perms)) {
                if (!privileged)
                    rules.push_back({true, node.type, node.major, node.minor, perms.empty() ? "rwm" : perms});
                nodes.push_back(std::move(node));
            }
        }
    }
    for (const auto &rule : strings(hc, "DeviceCgroupRules"))
        if (!privileged)
            rules.push_back(parse_device_cgroup_rule(rule));

    ordered linux_section;
    // sysctls: the two defaults on a private netns, then the user's, then --domainname
    ordered sysctl = ordered::object();
    const bool user_namespace = host.id_map.enabled() && get_or<std::string>(hc, "UsernsMode", "") != "host";
    // Another container's namespace is not this one's to tune.
    if (network_mode != "host" && network_mode.rfind("container:", 0) != 0) {
        // In a user namespace the kernel takes only gids it maps: the range
        // then ends with the map.
        const std::string ping_groups =
            user_namespace ? "0 " + std::to_string(host.id_map.size - 1) : std::string("0 2147483647");
        for (const auto &key : *host.default_sysctls_present)
            sysctl[key] = key == "net.ipv4.ping_group_range" ? ping_groups : "0";
    }
    if (hc.contains("Sysctls") && hc["Sysctls"].is_object())
        for (const auto &[key, value] : hc["Sysctls"].items())
            sysctl[key] = value.is_string() ? value.get<std::string>() : value.dump();
    if (auto domain = get_or<std::string>(body, "Domainname", ""); !domain.empty())
        sysctl["kernel.domainname"] = domain;
    if (!sysctl.empty())
        linux_section["sysctl"] = sysctl;
    linux_section["resources"] = resources(hc, host, rules);
    linux_section["cgroupsPath"] = cgroups_path(host, get_or<std::string>(hc, "CgroupParent", ""));

    ordered namespaces = ordered::array();
    namespaces.push_back({{"type", "mount"}});
    if (network_mode.rfind("container:", 0) == 0) {
        if (host.network_namespace_path.empty())
            throw invalid_argument("network mode " + network_mode + ": no network namespace to join");
        namespaces.push_back({{"type", "network"}, {"path", host.network_namespace_path}});
    } else if (network_mode != "host") {
        namespaces.push_back({{"type", "network"}});
    }
    if (uts_mode != "host")
        namespaces.push_back({{"type", "uts"}});
    if (pid_mode != "host")
        namespaces.push_back({{"type", "pid"}});
    if (get_or<std::string>(hc, "IpcMode", "") != "host")
        namespaces.push_back({{"type", "ipc"}});
    auto cgroupns = get_or<std::string>(hc, "CgroupnsMode", "");
    if (cgroupns == "private" || (cgroupns.empty() && host.cgroup_v2))
        namespaces.push_back({{"type", "cgroup"}});
    if (user_namespace) {
        namespaces.push_back({{"type", "user"}});
        const auto &m = host.id_map;
        linux_section["uidMappings"] = ordered::array({ordered{{"containerID", 0}, {"hostID", m.uid}, {"size", m.size}}});
        linux_section["gidMappings"] = ordered::array({ordered{{"containerID", 0}, {"hostID", m.gid}, {"size", m.size}}});
    }
    linux_section["namespaces"] = namespaces;

    if (!nodes.empty()) {
        ordered devices = ordered::array();
        for (const auto &n : nodes)
            devices.push_back(ordered{{"path", n.path},
                                      {"type", n.type},
                                      {"major", n.major},
                                      {"minor", n.minor},
                                      {"fileMode", n.file_mode},
                                      {"uid", n.uid},
                                      {"gid", n.gid}});
        linux_section["devices"] = devices;
    }

    // seccomp: an explicit profile applies even to --privileged; otherwise
    // privileged containers run without one.
    const SeccompContext seccomp_ctx{host.arch, caps, *host.kernel_at_least_4_8};
    if (security.seccomp && *security.seccomp != "unconfined" && *security.seccomp != "builtin")
        linux_section["seccomp"] = ordered::parse(resolve_seccomp_profile(*security.seccomp, seccomp_ctx, false));
    else if ((!security.seccomp || *security.seccomp == "builtin") && !privileged)
        linux_section["seccomp"] = ordered::parse(resolve_seccomp_profile(default_seccomp_profile_json(), seccomp_ctx, true));

    std::vector<std::string> masked, readonly_paths;
    if (!privileged) {
        masked = kMaskedPaths;
        masked.insert(masked.end(), host.thermal_throttle_paths->begin(), host.thermal_throttle_paths->end());
        readonly_paths = kReadonlyPaths;
        if (hc.contains("MaskedPaths") && hc["MaskedPaths"].is_array())
            masked = strings(hc, "MaskedPaths");
        if (hc.contains("ReadonlyPaths") && hc["ReadonlyPaths"].is_array())
            readonly_paths = strings(hc, "ReadonlyPaths");
    }
    linux_section["maskedPaths"] = masked;
    linux_section["readonlyPaths"] = readonly_paths;
    spec["linux"] = linux_section;
    return spec.dump(1, '\t');
}

} // namespace berth::containers::spec
