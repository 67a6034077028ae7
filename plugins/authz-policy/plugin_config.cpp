// plugin_config.cpp — strict, like daemon.json itself: an unknown key is a
// typo until proven otherwise.
#include "plugin_config.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace berth::authz_policy {

PluginConfig parse_plugin_config(const char *config_json) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(config_json != nullptr && *config_json != '\0' ? config_json : "{}");
    } catch (const nlohmann::json::parse_error &e) {
        throw std::invalid_argument(std::string("authz-policy config: invalid JSON: ") + e.what());
    }
    if (!j.is_object()) throw std::invalid_argument("authz-policy config: must be an object");
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "policy")
            throw std::invalid_argument("authz-policy config: unknown key \"" + it.key() + "\" (only \"policy\")");
    const auto policy = j.find("policy");
    // Not configured: the plugin still loads (it ships with every berthd and
    // must not show as rejected), and denies everything if named in
    // "authorization-plugins" (see kNoPolicyMessage).
    if (policy == j.end()) return PluginConfig{};
    if (!policy->is_string() || policy->get<std::string>().empty() || policy->get<std::string>()[0] != '/')
        throw std::invalid_argument("authz-policy config: \"policy\" must be an absolute path");
    return PluginConfig{policy->get<std::string>()};
}

} // namespace berth::authz_policy
