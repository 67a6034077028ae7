// fuzz_services.h — the daemon's services as the fuzz targets build them:
// real stores in a scratch data root, over drivers that never touch the
// host (layerless images, an in-memory network driver, no plugins), so
// fuzzed requests reach real handlers without mounting, plumbing a network
// or talking to a registry.
#pragma once

#include "daemon/daemon_context.h"
#include "images/layer_driver.h"
#include "network/driver_client.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace berth::fuzz {

// A directory under $TMPDIR for this process, removed at exit. Made once:
// libFuzzer runs millions of inputs in one process.
const std::filesystem::path &scratch_root();

// Images here have no layers; a layer operation (an image load's diff, a
// commit) fails with an error the routes turn into a 500.
class NoLayersDriver : public images::LayerDriver {
public:
    std::string name() const override { return "nolayers"; }
    void create(const std::string &, const std::string &, bool, const images::LayerCreateOptions &) override;
    void remove(const std::string &) override;
    bool exists(const std::string &) override { return false; }
    int64_t apply_diff(const std::string &, const std::string &, int) override;
    void diff(const std::string &, const std::string &, int) override;
    std::string get(const std::string &, const std::string &) override;
    void put(const std::string &) override {}
};

// A "bridge" network driver that keeps its networks and endpoints in maps.
class MemoryNetworkDriver : public network::NetworkDriver {
public:
    const std::string &name() const override { return name_; }
    void create_network(const std::string &nid, const std::string &config_json) override;
    void delete_network(const std::string &nid) override;
    std::string create_endpoint(const std::string &nid, const std::string &eid, const std::string &iface) override;
    void delete_endpoint(const std::string &nid, const std::string &eid) override;
    std::string join(const std::string &nid, const std::string &eid, const std::string &netns_path,
                     const std::string &options) override;
    void leave(const std::string &, const std::string &) override {}
    void program_external(const std::string &, const std::string &, const std::string &) override {}
    void revoke_external(const std::string &, const std::string &) override {}

private:
    std::string name_ = "bridge";
    std::map<std::string, std::string> networks_;
    std::map<std::string, std::string> endpoints_;
};

// A DaemonContext as berthd's start-up fills it, minus what would reach
// the host: plugins (none are discovered), images (layerless), volumes,
// networks (in-memory driver). No containers, no puller, no registry
// access: those routes are not registered or answer 500.
std::unique_ptr<daemon::DaemonContext> make_daemon_context(const std::filesystem::path &data_root);

// Tags a layerless image with a small config (Cmd, Env, Volumes) so
// container create bodies naming it get past image resolution.
void add_fuzz_image(images::ImageService &images, const std::string &name);

} // namespace berth::fuzz
