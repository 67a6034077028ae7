#include "daemon/daemon.h"

#include "api/api_version.h"
#include "api/authz_middleware.h"
#include "api/http_server.h"
#include "api/container_fs_routes.h"
#include "api/build_routes.h"
#include "api/container_routes.h"
#include "api/event_routes.h"
#include "api/image_routes.h"
#include "api/volume_routes.h"
#include "api/network_routes.h"
#include "api/plugin_routes.h"
#include "api/router.h"
#include "api/system_routes.h"
#include "config/userns_remap.h"
#include "containers/service/container_service.h"
#include "daemon/daemon_context.h"
#include "distribution/blob_sources.h"
#include "distribution/puller.h"
#include "distribution/registry_access.h"
#include "events/event_log.h"
#include "images/image_service.h"
#include "images/plugin_layer_driver.h"
#include "network/container_networking.h"
#include "network/driver_client.h"
#include "network/dns/embedded_dns.h"
#include "network/embedded_dns_sandbox.h"
#include "network/host_nameservers.h"
#include "network/network_service.h"
#include "util/atomic_file.h"
#include "util/data_root_lock.h"
#include "util/self_path.h"
#include "volumes/volume_access.h"
#include "volumes/volume_service.h"

#include <berth/abi.h>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace berth::daemon {
namespace {

// A UUID-shaped id kept in the data root, as dockerd's engine ID is.
std::string engine_id(const std::filesystem::path &data_root) {
    const auto path = data_root / "engine-id";
    std::ifstream in(path);
    std::string id;
    if (in >> id && id.size() == 36) return id;
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    char buf[37];
    std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    util::write_file_atomic(path, std::string(buf) + "\n", 0644);
    return buf;
}

std::string plugin_config_for(const config::DaemonConfig &cfg, const std::string &name) {
    auto it = cfg.plugin_config.find(name);
    return it == cfg.plugin_config.end() ? "{}" : it->second;
}

// Blocks SIGTERM/SIGINT in every thread (so no worker receives them) and
// waits for one here.
int wait_for_termination() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    return sig;
}

// The image stores over the selected storage driver, and the registry side.
void start_images(DaemonContext &ctx) {
    const auto &config = ctx.config;
    if (!ctx.storage.driver.empty()) {
        auto slot = ctx.plugins->slot(BERTH_KIND_STORAGE, ctx.storage.driver);
        auto driver = std::make_shared<images::PluginLayerDriver>(slot, *ctx.executor);
        // The hooks reach the container service, which starts after the images.
        images::ImageServiceHooks hooks;
        hooks.containers_using = [&ctx](const std::string &image_id) {
            return ctx.containers ? ctx.containers->containers_using(image_id) : std::vector<images::ContainerUse>{};
        };
        hooks.layers_in_use = [&ctx] {
            return ctx.containers ? ctx.containers->layers_in_use() : std::set<std::string>{};
        };
        hooks.event = [&ctx](const std::string &action, const std::string &image_id, const std::string &name) {
            ctx.events->log("image", action, image_id, {{"name", name}});
        };
        ctx.images = std::make_unique<images::ImageService>(config.data_root, driver, std::move(hooks));
        const auto &rec = ctx.images->recovery();
        if (!rec.storage_layers_removed.empty() || !rec.records_removed.empty())
            spdlog::info("image store recovery: removed {} orphaned storage layers, finished {} interrupted removals",
                         rec.storage_layers_removed.size(), rec.records_removed.size());
        for (const auto &f : rec.failures) spdlog::warn("image store recovery: {}", f);
    }
    registry::RegistryConfig rc;
    rc.insecure_registries = config.insecure_registries;
    rc.user_agent = std::string("berth/") + BERTH_VERSION;
    ctx.registry_access = std::make_unique<distribution::RegistryAccess>(rc);
    ctx.blob_sources = std::make_unique<distribution::BlobSourceIndex>(config.data_root);
    if (ctx.images) {
        auto *sources = ctx.blob_sources.get();
        ctx.puller = std::make_unique<distribution::Puller>(
            *ctx.images, *ctx.registry_access,
            [sources](const std::string &digest, const std::string &registry, const std::string &repository) {
                try {
                    sources->add(digest, registry, repository);
                } catch (const std::exception &e) {
                    spdlog::debug("remembering where {} came from: {}", digest, e.what());
                }
            });
    }
}

// The network service over the network driver plugins (bridge, ...; host
// and none are built in), the embedded DNS, and the glue containers use.
// A bad bip or default-address-pools refuses start, as with dockerd.
void start_networks(DaemonContext &ctx) {
    const auto &config = ctx.config;
    network::NetworkServiceConfig nc;
    nc.data_root = config.data_root;
    nc.bip = config.bip;
    nc.default_address_pools_json = config.default_address_pools_json;
    nc.mtu = config.mtu;
    nc.default_bridge = config.bridge != "none";
    auto *plugins = ctx.plugins.get();
    auto *executor = ctx.executor.get();
    network::DriverLookup drivers = [plugins, executor](const std::string &name)
        -> std::shared_ptr<network::NetworkDriver> {
        auto slot = plugins->slot(BERTH_KIND_NETWORK, name);
        if (!slot) return nullptr;
        return std::make_shared<network::PluginNetworkDriver>(slot, *executor);
    };
    ctx.networks = std::make_unique<network::NetworkService>(nc, drivers);
    ctx.networks->set_events(ctx.events.get());
    for (const auto &e : ctx.networks->load_errors()) spdlog::warn("network: {}", e);
    const auto upstreams = config.dns.empty() ? network::host_nameservers() : config.dns;
    try {
        // The resolver runs on the DNS thread; container_networking exists
        // before any sandbox is added and outlives the server.
        ctx.dns = std::make_unique<network::dns::EmbeddedDns>(
            [&ctx](const std::string &sandbox, const std::string &name) {
                return ctx.container_networking ? ctx.container_networking->resolve(sandbox, name)
                                                : std::vector<std::string>{};
            },
            upstreams);
        ctx.dns_sandbox = std::make_unique<network::EmbeddedDnsSandbox>(*ctx.dns);
    } catch (const std::exception &e) {
        spdlog::error("embedded DNS unavailable (containers on user-defined networks will not resolve names): {}",
                      e.what());
    }
    ctx.container_networking = std::make_unique<network::ContainerNetworking>(*ctx.networks, ctx.dns_sandbox.get());
}

// The container service over the "runc" exec driver and the log drivers;
// live restore runs before the API serves.
void start_containers(DaemonContext &ctx) {
    auto exec_slot = ctx.plugins->slot(BERTH_KIND_EXEC, "runc");
    if (!exec_slot || !ctx.images) {
        spdlog::warn("containers are unavailable: {}", !exec_slot ? "no exec driver \"runc\" is loaded"
                                                                  : "no storage driver is running");
        return;
    }
    const auto &config = ctx.config;
    containers::ContainerServiceConfig cc;
    cc.data_root = config.data_root;
    cc.exec_root = config.exec_root;
    cc.storage_driver = ctx.storage.driver;
    cc.default_log_driver = config.log_driver;
    cc.default_log_opts = config.log_opts;
    cc.default_runtime = config.default_runtime;
    cc.runtimes = config.runtimes;
    cc.cgroup_parent = config.cgroup_parent;
    cc.dns = config.dns;
    cc.dns_search = config.dns_search;
    cc.dns_opts = config.dns_opts;
    cc.init_default = config.init;
    cc.init_path = config.init_path;
    cc.id_map = ctx.id_map;
    cc.default_network_none = config.bridge == "none";
    auto exec = std::make_shared<containers::ExecClient>(exec_slot, *ctx.executor);
    auto logs = std::make_shared<containers::LogClient>(*ctx.plugins, *ctx.executor);
    ctx.containers = std::make_unique<containers::ContainerService>(cc, ctx.images.get(), exec, logs,
                                                                    volumes::make_volume_access<containers::VolumeAccess>(*ctx.volumes));
}

} // namespace

// The event log exists from the start, so no emitter needs a null check.
DaemonContext::DaemonContext() : events(std::make_unique<events::EventLog>()) {}
DaemonContext::~DaemonContext() = default;

namespace {

// userns-remap: dockerd's layout. Everything a container's root must reach
// lives below <data-root>/<uid>.<gid> (mode 0710, group = the remapped root's),
// and the data root itself becomes 0711 so that root can pass through it.
std::filesystem::path prepare_remapped_root(const std::filesystem::path &base, const config::IdMap &map) {
    const auto root = base / config::remapped_root_name(map);
    std::filesystem::create_directories(root);
    if (::chmod(base.c_str(), 0711) != 0 || ::chown(root.c_str(), 0, map.root_gid()) != 0 ||
        ::chmod(root.c_str(), 0710) != 0)
        throw std::runtime_error("preparing the remapped data root " + root.string() + ": " + std::strerror(errno));
    return root;
}

} // namespace

int run(const config::DaemonConfig &given) {
    // Block termination signals before any thread starts so they inherit it.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    util::DataRootLock lock(given.data_root);
    std::filesystem::create_directories(given.exec_root);
    config::DaemonConfig config = given;
    if (!config.bridge.empty() && config.bridge != "none")
        throw std::runtime_error("bridge: \"" + config.bridge +
                                 "\" is not supported: only \"none\" (no default bridge network) is");
    const config::IdMap id_map = config::resolve_userns_remap(given.userns_remap);
    if (id_map.enabled()) {
        config.data_root = prepare_remapped_root(given.data_root, id_map);
        spdlog::info("userns-remap: container ids 0-{} are host uids {}+ and gids {}+; data root {}",
                     id_map.size - 1, id_map.uid, id_map.gid, config.data_root.string());
    }

    DaemonContext ctx;
    ctx.config = config;
    ctx.id_map = id_map;
    ctx.engine_id = engine_id(config.data_root);
    ctx.started = std::chrono::system_clock::now();

    // The API's sockets first, as dockerd opens its listeners before the
    // daemon: a bad -H (or TCP without TLS, a socket another daemon
    // serves) refuses start before any plugin, bridge or nft table is set
    // up. Nothing is accepted before server.start(); clients that connect
    // meanwhile wait in the backlog. The routes are added below.
    api::Router router;
    api::HttpServer server(router, api::TlsFiles{config.tlscacert, config.tlscert, config.tlskey});
    for (const auto &host : config.hosts) server.listen(host);

    plugins::RegistryOptions opts;
    if (auto bundled = util::bundled_plugin_dir(); !bundled.empty()) opts.plugin_dirs.push_back(bundled);
    for (const auto &d : config.plugin_dirs) opts.plugin_dirs.push_back(d);
    opts.data_root = config.data_root;
    opts.exec_root = config.exec_root;
    opts.host_version = BERTH_VERSION;
    opts.plugin_config = [&config](const std::string &name) { return plugin_config_for(config, name); };
    // Exit events go to the container service once it exists; until then
    // (start-up) restore_all() reconciles whatever they would have said.
    auto container_events = std::make_shared<std::atomic<containers::ContainerService *>>(nullptr);
    opts.events = [container_events](const std::string &plugin, const std::string &kind, const std::string &json) {
        spdlog::debug("event from {}: {} {}", plugin, kind, json);
        if (auto *svc = container_events->load()) svc->on_driver_event(kind, json);
    };
    opts.deferred_kinds = {BERTH_KIND_STORAGE};
    if (id_map.enabled())
        opts.kind_config[BERTH_KIND_STORAGE] =
            nlohmann::json{{"id_map", {{"uid", id_map.uid}, {"gid", id_map.gid}, {"size", id_map.size}}}}.dump();
    ctx.plugins = std::make_unique<plugins::PluginRegistry>(std::move(opts));
    ctx.plugins->discover();
    ctx.storage = storage::select_driver(*ctx.plugins, config.data_root, config.storage_driver);
    if (ctx.storage.driver.empty())
        spdlog::warn("no storage driver could start; images and containers are unavailable");
    else
        spdlog::info("storage driver {} ({})", ctx.storage.driver, ctx.storage.how);
    for (const auto &[driver, why] : ctx.storage.passed_over)
        spdlog::info("storage driver {} passed over: {}", driver, why);
    // Vendors' calls can block; a pool twice the cores keeps the API moving.
    ctx.executor = std::make_unique<plugins::CallExecutor>(
        std::max(4u, 2 * std::thread::hardware_concurrency()));

    start_images(ctx);
    ctx.volumes = std::make_unique<volumes::VolumeService>(config.data_root);
    ctx.volumes->set_events(ctx.events.get());
    if (id_map.enabled()) ctx.volumes->set_root_identity(id_map.root_uid(), id_map.root_gid());
    start_networks(ctx);
    start_containers(ctx);
    container_events->store(ctx.containers.get());
    if (ctx.containers) {
        ctx.containers->set_networking(ctx.container_networking.get());
        ctx.containers->set_events(ctx.events.get());
        auto *svc = ctx.containers.get();
        ctx.network_hooks.connect = [svc](const std::string &net, const std::string &ref, const std::string &cfg) {
            svc->connect_network(net, ref, cfg);
        };
        ctx.network_hooks.disconnect = [svc](const std::string &net, const std::string &ref, bool force) {
            svc->disconnect_network(net, ref, force);
        };
        ctx.containers->restore_all();
    }
    ctx.volumes->unmount_idle(); // mounts no restored container uses

    api::add_system_routes(router, ctx);
    api::add_plugin_routes(router, ctx);
    api::add_event_routes(router, *ctx.events);
    api::add_image_routes(router, ctx);
    api::add_volume_routes(router, *ctx.volumes);
    api::add_network_routes(router, *ctx.networks, ctx.network_hooks);
    if (ctx.containers) {
        api::add_container_routes(router, *ctx.containers);
        api::add_container_stream_routes(router, *ctx.containers);
        api::add_container_fs_routes(router, *ctx.images, ctx.containers->fs_provider());
        api::add_build_routes(router, ctx);
    }

    // Before the first listener opens: a daemon that cannot authorize must
    // not serve (fail closed), so a missing plugin refuses start.
    const auto authz = api::AuthzMiddleware::from_registry(config.authorization_plugins, *ctx.plugins, *ctx.executor);
    if (!config.authorization_plugins.empty()) router.set_authz(authz.get());

    server.start();

    util::write_file_atomic(config.pidfile, std::to_string(::getpid()) + "\n", 0644);
    spdlog::info("berthd {} started (data root {}, exec root {}, API {})", BERTH_VERSION,
                 config.data_root.string(), config.exec_root.string(), api::kApiVersion);

    const int sig = wait_for_termination();
    spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    ctx.events->close(); // ends the /events streams, which would otherwise hold server.stop() up
    server.stop();
    container_events->store(nullptr);
    ctx.containers.reset(); // containers keep running: their shims outlive us
    ctx.dns_sandbox.reset();
    ctx.dns.reset(); // joins the DNS thread, which calls into container_networking
    ctx.container_networking.reset();
    ctx.networks.reset(); // before the executor its driver calls run on
    ctx.volumes.reset();
    ctx.puller.reset();
    ctx.images.reset(); // before the executor its driver calls run on
    ctx.executor.reset();
    ctx.plugins->shutdown();
    std::filesystem::remove(config.pidfile);
    spdlog::info("berthd stopped");
    return 0;
}

} // namespace berth::daemon
