// plugin_config.hpp — the plugin's section of daemon.json "plugin-config":
//   "plugin-config": {"authz-policy": {"policy": "/etc/berth/authz.json"}}
#pragma once

#include <string>

namespace berth::authz_policy {

struct PluginConfig {
    std::string policy_path; // absolute
};

// Throws std::invalid_argument with a message naming the problem (missing
// or relative "policy", an unknown key).
PluginConfig parse_plugin_config(const char *config_json);

} // namespace berth::authz_policy
