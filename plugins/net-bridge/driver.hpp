// driver.hpp — the bridge driver behind the ABI glue (net_bridge_plugin.cpp).
// One mutex serialises every operation (the plugin still declares
// BERTH_CAP_THREADSAFE: concurrent calls are safe, they just queue). Every
// change to the records is written to the state file before the call returns.
#pragma once

#include "nft_table.hpp"
#include "records.hpp"
#include "state_file.hpp"

#include <berth/host.h>

#include <mutex>
#include <string>

namespace berth::netbridge {

// The plugin's daemon.json section ("plugin-config" -> "net-bridge").
struct DriverConfig {
    std::string nft_table = "berth";  // "nft_table": berth's nftables table name
    std::string proxy_path;           // "proxy_path": berth-proxy (default: next to the .so)
    std::string state_dir;            // "state_dir": where state.json lives (default home_dir)
};
// Throws sdk::error(BERTH_E_INVAL) naming a bad key.
DriverConfig config_from_json(const std::string &config_json, const berth_host *host);

class Driver {
public:
    // Loads the state file and adopts what it names (see adopt()).
    Driver(const berth_host *host, DriverConfig config);

    std::string capabilities() const;
    void create_network(const std::string &nid, const std::string &config_json);
    void delete_network(const std::string &nid);
    std::string create_endpoint(const std::string &nid, const std::string &eid,
                                const std::string &iface_json);
    void delete_endpoint(const std::string &nid, const std::string &eid);
    std::string endpoint_info(const std::string &nid, const std::string &eid);
    std::string join(const std::string &nid, const std::string &eid,
                     const std::string &netns_path, const std::string &options_json);
    void leave(const std::string &nid, const std::string &eid);
    void program_external(const std::string &nid, const std::string &eid,
                          const std::string &options_json);
    void revoke_external(const std::string &nid, const std::string &eid);

    void quiesce();
    void resume();
    std::string export_state();
    void import_state(const std::string &state_json);

private:
    // Callers hold mu_.
    void check_not_quiesced() const;
    const NetworkRecord &network(const std::string &nid) const;
    EndpointRecord &endpoint(const std::string &nid, const std::string &eid);
    void save();
    void log(int32_t level, const std::string &msg) const;

    // Make the kernel match a network record: bridge, gateway address, link
    // up, forwarding, nft chains. Existing objects are kept as they are.
    // Returns true when it had to create the bridge.
    bool realise_network(const std::string &nid, const NetworkRecord &net);
    // Restart dead proxies and missing DNAT rules of an endpoint's ports.
    void realise_ports(const std::string &eid, EndpointRecord &ep);
    // After a restart: re-create only what is missing (a reboot lost the
    // bridges; someone deleted our table), never touch what exists.
    void adopt();
    void stop_proxies(const std::string &eid, EndpointRecord &ep);

    const berth_host *host_;
    DriverConfig config_;
    StateFile file_;
    NftTable nft_;
    std::mutex mu_;
    DriverState state_;
    bool quiesced_ = false;
};

} // namespace berth::netbridge
