#include "containers/service/restart_policy.h"

#include "containers/store/errors.h"

#include <nlohmann/json.hpp>

namespace berth::containers {

RestartPolicy parse_restart_policy(const std::string &host_config_json) {
    const auto hc = nlohmann::json::parse(host_config_json.empty() ? "{}" : host_config_json, nullptr, false);
    RestartPolicy p;
    if (!hc.is_object() || !hc.contains("RestartPolicy") || !hc["RestartPolicy"].is_object()) return p;
    const auto &rp = hc["RestartPolicy"];
    if (rp.contains("Name") && rp["Name"].is_string()) p.name = rp["Name"].get<std::string>();
    if (rp.contains("MaximumRetryCount") && rp["MaximumRetryCount"].is_number_integer())
        p.maximum_retry_count = rp["MaximumRetryCount"].get<int>();
    if (p.name != "" && p.name != "no" && p.name != "always" && p.name != "unless-stopped" && p.name != "on-failure")
        throw InvalidArgument("invalid restart policy: unknown policy '" + p.name +
                              "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
    // moby's ValidateRestartPolicy: an empty name (old clients' default)
    // takes any count; other policies take none.
    if (p.name == "on-failure" && p.maximum_retry_count < 0)
        throw InvalidArgument("invalid restart policy: maximum retry count cannot be negative");
    if (!p.name.empty() && p.name != "on-failure" && p.maximum_retry_count != 0)
        throw InvalidArgument("invalid restart policy: maximum retry count can only be used with 'on-failure'" +
                              std::string(p.maximum_retry_count < 0 ? " and cannot be negative" : ""));
    if (p.name.empty()) p.maximum_retry_count = 0;
    return p;
}

bool should_restart(const RestartPolicy &policy, int exit_code, bool manually_stopped, int restart_count) {
    if (policy.is_none()) return false;
    // As moby's ShouldRestart: "always" ignores a manual stop (the caller
    // keeps a stopped container down; a daemon restart brings it back).
    if (policy.name == "always") return true;
    if (manually_stopped) return false;
    if (policy.name == "unless-stopped") return true;
    // on-failure
    if (exit_code == 0) return false;
    return policy.maximum_retry_count == 0 || restart_count < policy.maximum_retry_count;
}

std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous, std::chrono::milliseconds last_run) {
    using namespace std::chrono_literals;
    if (last_run >= 10s || previous == 0ms) return 100ms;
    return std::min<std::chrono::milliseconds>(previous * 2, 60s);
}

} // namespace berth::containers
