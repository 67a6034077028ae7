#include "api/system_routes.h"

#include "api/api_version.h"
#include "api/system_df_routes.h"
#include "daemon/host_facts.h"
#include "containers/service/container_service.h"
#include "images/image_service.h"

#include <berth/storage.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

namespace berth::api {
namespace {

using json = nlohmann::json;

// What `docker info` lists under Security Options. AppArmor only appears
// when the kernel has it; without it, containers run with no profile and
// the absence is visible here (`docker info` shows whether it is there).
json security_options(bool userns) {
    json out = json::array();
    std::error_code ec;
    if (std::filesystem::exists("/sys/module/apparmor", ec)) out.push_back("name=apparmor");
    out.push_back("name=seccomp,profile=builtin");
    if (userns) out.push_back("name=userns");
    if (std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers", ec)) out.push_back("name=cgroupns");
    return out;
}

constexpr const char *kBuildTime = __DATE__ " " __TIME__;

json version_json(const daemon::HostFacts &facts) {
    const json details = {{"ApiVersion", kApiVersion},
                          {"MinAPIVersion", kMinApiVersion},
                          {"GitCommit", "berth"},
                          {"GoVersion", "n/a (C++)"},
                          {"Os", "linux"},
                          {"Arch", facts.go_arch},
                          {"KernelVersion", facts.kernel_version},
                          {"BuildTime", kBuildTime},
                          {"Experimental", "false"},
                          {"PluginABI", std::to_string(BERTH_ABI_MAJOR) + "." + std::to_string(BERTH_ABI_MINOR)}};
    return {{"Platform", {{"Name", "Berth Engine"}}},
            {"Components", json::array({{{"Name", "Engine"}, {"Version", BERTH_VERSION}, {"Details", details}}})},
            {"Version", BERTH_VERSION},
            {"ApiVersion", kApiVersion},
            {"MinAPIVersion", kMinApiVersion},
            {"GitCommit", "berth"},
            {"GoVersion", "n/a (C++)"},
            {"Os", "linux"},
            {"Arch", facts.go_arch},
            {"KernelVersion", facts.kernel_version},
            {"Experimental", false},
            {"BuildTime", kBuildTime}};
}

// The selected driver's own status pairs, then one line per driver that
// was passed over and why ("docker info" prints them under the driver).
json driver_status(daemon::DaemonContext &ctx) {
    json pairs = json::array();
    if (!ctx.storage.driver.empty()) {
        if (auto slot = ctx.plugins->slot(BERTH_KIND_STORAGE, ctx.storage.driver)) {
            auto out = std::make_shared<std::string>();
            const auto res = ctx.executor->run(
                *slot,
                [out](const plugins::Lease &lease, berth_call *call) {
                    const auto *ops = lease.ops<berth_storage_ops>();
                    if (ops->status == nullptr) return int32_t(BERTH_E_NOTSUP);
                    char *text = nullptr;
                    const int32_t rc = ops->status(lease.instance(), call, &text);
                    if (text != nullptr) {
                        *out = text;
                        std::free(text);
                    }
                    return rc;
                },
                std::chrono::seconds(10));
            const json status = res.code == BERTH_OK ? json::parse(*out, nullptr, false) : json();
            if (status.is_array()) {
                for (const auto &p : status)
                    if (p.is_array() && p.size() == 2 && p[0].is_string() && p[1].is_string()) pairs.push_back(p);
            } else if (res.code != BERTH_OK) {
                pairs.push_back({"Status", res.message});
            }
        }
    }
    for (const auto &[driver, why] : ctx.storage.passed_over) pairs.push_back({"Passed over " + driver, why});
    return pairs;
}

json info_json(daemon::DaemonContext &ctx, const daemon::HostFacts &facts) {
    const auto &cfg = ctx.config;
    // host and null are built into the core; the rest are plugins. Sorted, as dockerd lists them.
    std::set<std::string> network_drivers{"host", "null"};
    for (const auto &d : ctx.plugins->drivers(BERTH_KIND_NETWORK)) network_drivers.insert(d);
    json network = network_drivers;
    json log = json::array();
    for (const auto &d : ctx.plugins->drivers(BERTH_KIND_LOG)) log.push_back(d);
    json authz = json::array();
    for (const auto &a : cfg.authorization_plugins) authz.push_back(a);
    json warnings = json::array();
    size_t rejected = 0;
    for (const auto &r : ctx.plugins->list())
        if (r.state == "rejected") ++rejected;
    if (rejected)
        warnings.push_back("WARNING: " + std::to_string(rejected) +
                           " plugin file(s) were refused; see `berth plugin ls` for the reasons");
    json runtimes = json::object();
    runtimes["runc"] = {{"path", "runc"}};
    for (const auto &[name, spec] : cfg.runtimes) runtimes[name] = json::parse(spec);

    containers::ContainerService::Counts counts;
    if (ctx.containers) counts = ctx.containers->counts();
    return {
        {"ID", ctx.engine_id},
        {"Containers", counts.total},
        {"ContainersRunning", counts.running},
        {"ContainersPaused", counts.paused},
        {"ContainersStopped", counts.stopped},
        {"Images", ctx.images ? ctx.images->images().list().size() : 0},
        {"Driver", ctx.storage.driver},
        {"DriverStatus", driver_status(ctx)},
        {"Plugins", {{"Volume", json::array({"local"})}, {"Network", network}, {"Authorization", authz}, {"Log", log}}},
        {"MemoryLimit", true},
        {"SwapLimit", false},
        {"CpuCfsPeriod", true},
        {"CpuCfsQuota", true},
        {"CPUShares", true},
        {"CPUSet", true},
        {"PidsLimit", true},
        {"IPv4Forwarding", facts.ipv4_forwarding},
        {"Debug", cfg.debug},
        {"NFd", 0},
        {"NGoroutines", 0},
        {"SystemTime", ""},
        {"LoggingDriver", cfg.log_driver},
        {"CgroupDriver", facts.cgroup_driver},
        {"CgroupVersion", std::to_string(facts.cgroup_version)},
        {"NEventsListener", 0},
        {"KernelVersion", facts.kernel_version},
        {"OperatingSystem", facts.operating_system},
        {"OSVersion", facts.os_version},
        {"OSType", "linux"},
        {"Architecture", facts.architecture},
        {"IndexServerAddress", "https://index.docker.io/v1/"},
        {"RegistryConfig",
         {{"InsecureRegistryCIDRs", json::array({"127.0.0.0/8"})},
          {"IndexConfigs", json::object()},
          {"Mirrors", cfg.registry_mirrors}}},
        {"NCPU", facts.ncpu},
        {"MemTotal", facts.mem_total},
        {"DockerRootDir", cfg.data_root.string()},
        {"Name", facts.hostname},
        {"Labels", cfg.labels},
        {"ExperimentalBuild", false},
        {"ServerVersion", BERTH_VERSION},
        {"Runtimes", runtimes},
        {"DefaultRuntime", cfg.default_runtime},
        {"Swarm",
         {{"NodeID", ""},
          {"NodeAddr", ""},
          {"LocalNodeState", "inactive"},
          {"ControlAvailable", false},
          {"Error", ""},
          {"RemoteManagers", nullptr}}},
        {"LiveRestoreEnabled", cfg.live_restore},
        {"Isolation", ""},
        {"InitBinary", "docker-init"},
        {"SecurityOptions", security_options(!cfg.userns_remap.empty())},
        {"Warnings", warnings},
    };
}

} // namespace

void add_system_routes(Router &router, daemon::DaemonContext &ctx) {
    auto ping = [](Request &) {
        Response r = Response::text(200, "OK");
        r.headers.emplace_back("Builder-Version", "1");
        r.headers.emplace_back("Swarm", "inactive");
        r.headers.emplace_back("Cache-Control", "no-cache, no-store, must-revalidate");
        r.headers.emplace_back("Pragma", "no-cache");
        return r;
    };
    router.add("GET", "/_ping", ping);
    router.add("HEAD", "/_ping", ping);

    // Host facts hardly change; read them once.
    auto facts = std::make_shared<daemon::HostFacts>(daemon::read_host_facts());
    router.add("GET", "/version", [facts](Request &) { return Response::json(200, version_json(*facts).dump()); });
    router.add("GET", "/info", [&ctx, facts](Request &) {
        return Response::json(200, info_json(ctx, *facts).dump());
    });
    add_system_df_routes(router, ctx);
}

} // namespace berth::api
