#include "kernel_fixture.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace berth::test {

using nlohmann::json;

std::string network_config(const std::string &subnet, const std::string &gateway,
                           const std::string &bridge, bool internal,
                           const std::string &extra_options) {
    json options = extra_options.empty() ? json::object() : json::parse(extra_options);
    options["com.docker.network.bridge.name"] = bridge;
    return json{{"v", 1},
                {"name", bridge},
                {"internal", internal},
                {"options", options},
                {"ipv4", json::array({{{"subnet", subnet}, {"gateway", gateway}}})}}
        .dump();
}

std::string iface(const std::string &address) {
    return json{{"v", 1}, {"address", address}}.dump();
}

std::string tcp_port(int container_port, int host_port, const std::string &host_ip) {
    return json{{"v", 1},
                {"ports", json::array({{{"proto", "tcp"},
                                        {"container_port", container_port},
                                        {"host_ip", host_ip},
                                        {"host_port", host_port}}})}}
        .dump();
}

const PluginLibrary &NetBridgeKernel::library() {
    static PluginLibrary lib(NET_BRIDGE_PLUGIN);
    return lib;
}

std::string NetBridgeKernel::plugin_config() const {
    return json{{"nft_table", "bt-" + std::to_string(getpid())}}.dump();
}

std::unique_ptr<Instance> NetBridgeKernel::new_instance() {
    return std::make_unique<Instance>(library(), home_, plugin_config());
}

void NetBridgeKernel::SetUp() {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces, bridges and nft tables";
    if (system("command -v ip >/dev/null 2>&1") != 0) GTEST_SKIP() << "needs iproute2 (ip) to inspect links";
    netns_ = std::make_unique<HostNetns>();
    if (!netns_->ok()) GTEST_SKIP() << "no network namespace: " << netns_->error();
    std::string tmpl = std::filesystem::temp_directory_path().string() + "/bt-" +
                       std::to_string(getpid()) + "-netbridge-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    home_ = tmpl;
    inst_ = new_instance();
}

void NetBridgeKernel::TearDown() {
    inst_.reset();
    netns_.reset();  // kills proxies left in it; the namespace and its objects vanish
    if (!home_.empty()) std::filesystem::remove_all(home_);
}

std::string NetBridgeKernel::nft_listing() const {
    return sh("nft list table ip bt-" + std::to_string(getpid()));
}

int NetBridgeKernel::proxy_pid(Instance &inst, const std::string &eid) {
    if (inst.export_state() != BERTH_OK) return -1;
    json s = json::parse(inst.out());
    return s["endpoints"][eid]["ports"][0].value("proxy_pid", -1);
}

void NetBridgeKernel::network_with_container(Instance &inst, const std::string &nid,
                                             const std::string &eid,
                                             const std::string &subnet_prefix,
                                             const std::string &bridge, const ContainerNetns &c,
                                             int host_byte, bool internal) {
    ASSERT_EQ(inst.create_network(nid, network_config(subnet_prefix + "0/24", subnet_prefix + "1",
                                                      bridge, internal)),
              BERTH_OK)
        << inst.message();
    ASSERT_EQ(inst.create_endpoint(nid, eid,
                                   iface(subnet_prefix + std::to_string(host_byte) + "/24")),
              BERTH_OK)
        << inst.message();
    ASSERT_EQ(inst.join(nid, eid, c.path()), BERTH_OK) << inst.message();
}

} // namespace berth::test
