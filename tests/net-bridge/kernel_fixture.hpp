// kernel_fixture.hpp — the fixture of the kernel tests: root check, a fresh
// network namespace for the "host", a temporary home dir and one plugin
// instance whose nft table is named after the test process.
#pragma once

#include "plugin_host.hpp"
#include "sandbox.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace berth::test {

inline const std::string nid1 = "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
inline const std::string nid2 = "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";
inline const std::string eid1 = "e1e1e1e1e1e1000000000000000000000000000000000000000000000000000";
inline const std::string eid2 = "e2e2e2e2e2e2000000000000000000000000000000000000000000000000000";

// create_network's config_json.
std::string network_config(const std::string &subnet, const std::string &gateway,
                           const std::string &bridge, bool internal = false,
                           const std::string &extra_options = "");
// create_endpoint's iface_json.
std::string iface(const std::string &address);
// program_external's options_json for one TCP port.
std::string tcp_port(int container_port, int host_port, const std::string &host_ip = "0.0.0.0");

class NetBridgeKernel : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    const PluginLibrary &library();
    std::unique_ptr<Instance> new_instance();
    std::string plugin_config() const;
    // The nft table as `nft list` prints it.
    std::string nft_listing() const;
    // proxy_pid of the first port of eid, from export_state.
    int proxy_pid(Instance &inst, const std::string &eid);
    // Create nid with a bridge, an endpoint joined into c; returns its IP.
    void network_with_container(Instance &inst, const std::string &nid, const std::string &eid,
                                const std::string &subnet_prefix, const std::string &bridge,
                                const ContainerNetns &c, int host_byte = 2, bool internal = false);

    std::unique_ptr<HostNetns> netns_;
    std::string home_;
    std::unique_ptr<Instance> inst_;
};

} // namespace berth::test
