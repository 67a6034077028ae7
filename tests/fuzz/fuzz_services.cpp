// fuzz_services.cpp — see fuzz_services.h.
#include "fuzz_services.h"

#include "images/image_config.h"
#include "images/image_service.h"
#include "network/network_service.h"
#include "volumes/volume_service.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace berth::fuzz {
namespace {

std::filesystem::path make_scratch_root() {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/berth-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

[[noreturn]] void refuse(const char *what) {
    throw std::runtime_error(std::string("the fuzz harness's images have no layers: ") + what);
}

} // namespace

const std::filesystem::path &scratch_root() {
    // Never destroyed, so the exit handler below can still read it (a
    // static object's destructor would run before a handler registered
    // while it was being made). libFuzzer leaves through exit() too.
    static const std::filesystem::path *const root = [] {
        const auto *path = new std::filesystem::path(make_scratch_root());
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch_root(), ec);
        });
        return path;
    }();
    return *root;
}

void NoLayersDriver::create(const std::string &, const std::string &, bool, const images::LayerCreateOptions &) {
    refuse("create");
}
void NoLayersDriver::remove(const std::string &) { refuse("remove"); }
int64_t NoLayersDriver::apply_diff(const std::string &, const std::string &, int) { refuse("apply_diff"); }
void NoLayersDriver::diff(const std::string &, const std::string &, int) { refuse("diff"); }
std::string NoLayersDriver::get(const std::string &, const std::string &) { refuse("get"); }

void MemoryNetworkDriver::create_network(const std::string &nid, const std::string &config_json) {
    networks_[nid] = config_json;
}
void MemoryNetworkDriver::delete_network(const std::string &nid) { networks_.erase(nid); }
std::string MemoryNetworkDriver::create_endpoint(const std::string &nid, const std::string &eid,
                                                 const std::string &) {
    endpoints_[eid] = nid;
    return "";
}
void MemoryNetworkDriver::delete_endpoint(const std::string &, const std::string &eid) { endpoints_.erase(eid); }
std::string MemoryNetworkDriver::join(const std::string &, const std::string &, const std::string &,
                                      const std::string &) {
    return R"({"v":1,"ifname":"eth0"})";
}

std::unique_ptr<daemon::DaemonContext> make_daemon_context(const std::filesystem::path &data_root) {
    auto ctx = std::make_unique<daemon::DaemonContext>();
    ctx->config.data_root = data_root / "data";
    ctx->config.exec_root = data_root / "exec";
    ctx->config.bridge = "none";
    std::filesystem::create_directories(ctx->config.data_root);
    std::filesystem::create_directories(ctx->config.exec_root);
    ctx->engine_id = "FUZZ:ENGINE";
    ctx->started = std::chrono::system_clock::now();

    plugins::RegistryOptions opts; // no plugin directories: nothing is loaded
    opts.data_root = ctx->config.data_root;
    opts.exec_root = ctx->config.exec_root;
    opts.host_version = BERTH_VERSION;
    ctx->plugins = std::make_unique<plugins::PluginRegistry>(std::move(opts));
    ctx->executor = std::make_unique<plugins::CallExecutor>(2);

    ctx->images = std::make_unique<images::ImageService>(ctx->config.data_root, std::make_shared<NoLayersDriver>());
    ctx->volumes = std::make_unique<volumes::VolumeService>(ctx->config.data_root);

    network::NetworkServiceConfig nc;
    nc.data_root = ctx->config.data_root;
    nc.default_bridge = false;
    // Pinned: the harness must not depend on the machine's routing table.
    nc.host_routes = [] { return std::vector<network::ipam::Ipv4Prefix>{}; };
    auto driver = std::make_shared<MemoryNetworkDriver>();
    ctx->networks = std::make_unique<network::NetworkService>(
        nc, [driver](const std::string &name) -> std::shared_ptr<network::NetworkDriver> {
            return name == driver->name() ? driver : nullptr;
        });
    return ctx;
}

void add_fuzz_image(images::ImageService &images, const std::string &name) {
    images::ImageConfig c;
    c.os = "linux";
    c.architecture = "amd64";
    c.comment = name;
    c.config_json = nlohmann::json{{"Cmd", {"sh"}},
                                   {"Env", {"PATH=/usr/bin:/bin"}},
                                   {"WorkingDir", "/"},
                                   {"Volumes", {{"/data", nlohmann::json::object()}}}}
                        .dump();
    const auto id = images.images().create_from_config(images::serialize_image_config(c)).id;
    images.tag(id, name);
}

} // namespace berth::fuzz
