#include "containers/archive/commit_config.h"

#include "images/import_changes.h"

#include <nlohmann/json.hpp>

namespace berth::containers::archive {
namespace {

using nlohmann::json;

bool unset(const json &c, const char *key) {
    const auto it = c.find(key);
    if (it == c.end() || it->is_null()) return true;
    if (it->is_string()) return it->get_ref<const std::string &>().empty();
    if (it->is_array() || it->is_object()) return it->empty();
    if (it->is_number()) return *it == 0;
    return false;
}

std::string env_key(const std::string &kv) { return kv.substr(0, kv.find('=')); }

// moby daemon/commit.go merge(userConf, imageConf), imageConf being the
// container's config.
void merge(json &user, const json &ctr) {
    auto take = [&](const char *key) {
        if (unset(user, key) && ctr.contains(key)) user[key] = ctr[key];
    };
    take("User");
    if (unset(user, "ExposedPorts")) {
        take("ExposedPorts");
    } else if (ctr.contains("ExposedPorts") && ctr["ExposedPorts"].is_object()) {
        for (const auto &[port, v] : ctr["ExposedPorts"].items())
            if (!user["ExposedPorts"].contains(port)) user["ExposedPorts"][port] = v;
    }
    if (unset(user, "Env")) {
        take("Env");
    } else if (ctr.contains("Env") && ctr["Env"].is_array()) {
        for (const auto &e : ctr["Env"]) {
            bool found = false;
            for (const auto &u : user["Env"])
                if (env_key(u.get<std::string>()) == env_key(e.get<std::string>())) found = true;
            if (!found) user["Env"].push_back(e);
        }
    }
    if (!user.contains("Labels") || !user["Labels"].is_object()) user["Labels"] = json::object();
    if (ctr.contains("Labels") && ctr["Labels"].is_object())
        for (const auto &[k, v] : ctr["Labels"].items())
            if (!user["Labels"].contains(k)) user["Labels"][k] = v;
    if (unset(user, "Entrypoint")) {
        take("Cmd");
        // Only a null Entrypoint inherits; an explicit [] clears it.
        if ((!user.contains("Entrypoint") || user["Entrypoint"].is_null()) && ctr.contains("Entrypoint"))
            user["Entrypoint"] = ctr["Entrypoint"];
    }
    if (ctr.contains("Healthcheck") && ctr["Healthcheck"].is_object()) {
        if (!user.contains("Healthcheck") || !user["Healthcheck"].is_object()) {
            user["Healthcheck"] = ctr["Healthcheck"];
        } else {
            for (const char *k : {"Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"})
                if (unset(user["Healthcheck"], k) && ctr["Healthcheck"].contains(k))
                    user["Healthcheck"][k] = ctr["Healthcheck"][k];
        }
    }
    take("WorkingDir");
    if (unset(user, "Volumes")) {
        take("Volumes");
    } else if (ctr.contains("Volumes") && ctr["Volumes"].is_object()) {
        for (const auto &[k, v] : ctr["Volumes"].items()) user["Volumes"][k] = v;
    }
    take("StopSignal");
}

} // namespace

std::string commit_image_config(const std::string &container_config_json, const std::string &body_json,
                                const std::vector<std::string> &changes) {
    const json ctr = json::parse(container_config_json.empty() ? "{}" : container_config_json);
    json start = body_json.empty() ? json() : json::parse(body_json);
    if (start.is_null()) {
        start = ctr;
    } else if (start.is_object()) {
        start.erase("HostConfig");
        start.erase("NetworkingConfig");
    } else {
        throw json::type_error::create(302, "commit config must be a JSON object", nullptr);
    }
    json user = json::parse(images::apply_config_changes(start.dump(), changes));
    merge(user, ctr.is_object() ? ctr : json::object());
    return user.dump();
}

} // namespace berth::containers::archive
