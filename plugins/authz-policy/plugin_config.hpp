// plugin_config.hpp — the plugin's section of daemon.json "plugin-config":
//   "plugin-config": {"authz-policy": {"policy": "/etc/berth/authz.json"}}
#pragma once

#include <string>

namespace berth::authz_policy {

struct PluginConfig {
    std::string policy_path; // absolute; "" when none is configured
};

// Why every request is denied when no policy is configured.
inline constexpr const char *kNoPolicyMessage =
    "authz-policy config: \"policy\" is required: set daemon.json "
    "\"plugin-config\": {\"authz-policy\": {\"policy\": \"/etc/berth/authz.json\"}}";

// Throws std::invalid_argument with a message naming the problem (a
// relative "policy", an unknown key, bad JSON). No "policy" at all is not
// an error: the plugin then denies every request with kNoPolicyMessage.
PluginConfig parse_plugin_config(const char *config_json);

} // namespace berth::authz_policy
