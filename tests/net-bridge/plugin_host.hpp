// plugin_host.hpp — a minimal in-test berth_host for the net-bridge plugin:
// dlopens the .so once and makes any number of instances from it (two
// instances of the same library stand in for two generations of a hot swap).
#pragma once

#include <berth/abi.h>
#include <berth/host.h>
#include <berth/network.h>

#include <string>

struct berth_call {
    int32_t code = 0;
    std::string message;
};

namespace berth::test {

class PluginLibrary {
public:
    explicit PluginLibrary(const std::string &path);
    ~PluginLibrary();
    const berth_plugin_descriptor *descriptor() const { return desc_; }
    const berth_network_ops *ops() const;

private:
    void *lib_ = nullptr;
    const berth_plugin_descriptor *desc_ = nullptr;
};

// One plugin instance with its own home directory.
class Instance {
public:
    // Throws std::runtime_error with the plugin's message when init fails.
    Instance(const PluginLibrary &lib, const std::string &home, const std::string &config_json);
    ~Instance();  // fini
    void fini();  // early fini (kernel objects must survive it)

    // Each wrapper returns the status; last() holds the call's message and
    // out() the JSON output of the call (when it has one).
    int32_t capabilities();
    int32_t create_network(const std::string &nid, const std::string &config);
    int32_t delete_network(const std::string &nid);
    int32_t create_endpoint(const std::string &nid, const std::string &eid, const std::string &iface);
    int32_t delete_endpoint(const std::string &nid, const std::string &eid);
    int32_t endpoint_info(const std::string &nid, const std::string &eid);
    int32_t join(const std::string &nid, const std::string &eid, const std::string &netns,
                 const std::string &options = "{\"v\":1}");
    int32_t leave(const std::string &nid, const std::string &eid);
    int32_t program_external(const std::string &nid, const std::string &eid, const std::string &opts);
    int32_t revoke_external(const std::string &nid, const std::string &eid);
    int32_t quiesce();
    int32_t resume();
    int32_t export_state();
    int32_t import_state(const std::string &state);

    const std::string &message() const { return call_.message; }
    const std::string &out() const { return out_; }

private:
    int32_t finish(int32_t rc, char *out);
    const PluginLibrary &lib_;
    std::string home_;
    berth_host host_{};
    berth_instance *inst_ = nullptr;
    berth_call call_;
    std::string out_;
};

} // namespace berth::test
