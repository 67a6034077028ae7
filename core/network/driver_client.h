// driver_client.h — the core's view of one network driver (berth/network.h).
// NetworkDriver is the seam: PluginNetworkDriver calls a plugin through its
// Slot and the CallExecutor (as containers::ExecClient does for exec
// drivers); tests substitute a fake. Every failure is a DriverError with
// the BERTH_E_* code and the plugin's own message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace berth::plugins {
class Slot;
class CallExecutor;
} // namespace berth::plugins

namespace berth::network {

class DriverError : public std::runtime_error {
public:
    DriverError(int32_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int32_t code() const { return code_; }

private:
    int32_t code_;
};

class NetworkDriver {
public:
    virtual ~NetworkDriver() = default;
    virtual const std::string &name() const = 0;
    virtual void create_network(const std::string &nid, const std::string &config_json) = 0;
    virtual void delete_network(const std::string &nid) = 0;
    // Returns the driver's completed interface JSON, "" when it changed nothing.
    virtual std::string create_endpoint(const std::string &nid, const std::string &eid,
                                        const std::string &iface_json) = 0;
    virtual void delete_endpoint(const std::string &nid, const std::string &eid) = 0;
    // Returns the join result JSON ({"v":1,"ifname":...,"gateway":...}), may be "".
    virtual std::string join(const std::string &nid, const std::string &eid, const std::string &netns_path,
                             const std::string &options_json) = 0;
    virtual void leave(const std::string &nid, const std::string &eid) = 0;
    virtual void program_external(const std::string &nid, const std::string &eid,
                                  const std::string &options_json) = 0;
    virtual void revoke_external(const std::string &nid, const std::string &eid) = 0;
};

// Driver name -> driver, nullptr when no plugin offers it.
using DriverLookup = std::function<std::shared_ptr<NetworkDriver>(const std::string &driver)>;

class PluginNetworkDriver : public NetworkDriver {
public:
    PluginNetworkDriver(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor);

    const std::string &name() const override;
    void create_network(const std::string &nid, const std::string &config_json) override;
    void delete_network(const std::string &nid) override;
    std::string create_endpoint(const std::string &nid, const std::string &eid,
                                const std::string &iface_json) override;
    void delete_endpoint(const std::string &nid, const std::string &eid) override;
    std::string join(const std::string &nid, const std::string &eid, const std::string &netns_path,
                     const std::string &options_json) override;
    void leave(const std::string &nid, const std::string &eid) override;
    void program_external(const std::string &nid, const std::string &eid, const std::string &options_json) override;
    void revoke_external(const std::string &nid, const std::string &eid) override;

private:
    std::shared_ptr<plugins::Slot> slot_;
    plugins::CallExecutor &executor_;
};

} // namespace berth::network
