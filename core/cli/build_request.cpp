#include "build_request.h"

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "image_names.h"
#include "query_string.h"
#include "registry/credentials_store.h"
#include "registry_login.h"

namespace berth::cli {
namespace {

// docker validates -t while parsing flags, so a bad one is a usage error.
void validate_tag(const std::string& tag) {
    try {
        validate_reference(tag);
    } catch (const CliError&) {
        throw UsageError("invalid argument \"" + tag + "\" for \"-t, --tag\" flag: invalid reference format");
    }
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

}  // namespace

nlohmann::json build_args_json(const std::vector<std::string>& entries, const EnvLookup& lookup) {
    nlohmann::json args = nlohmann::json::object();
    for (const auto& entry : entries) {
        const std::string resolved = resolve_env(entry, lookup);
        const auto eq = resolved.find('=');
        const std::string key = resolved.substr(0, eq);
        if (key.empty()) throw UsageError("invalid argument \"" + entry + "\" for \"--build-arg\" flag: invalid environment variable: " + entry);
        if (eq == std::string::npos)
            args[key] = nullptr;
        else
            args[key] = resolved.substr(eq + 1);
    }
    return args;
}

std::string build_query(const BuildOptions& options, std::string_view dockerfile, const EnvLookup& lookup) {
    for (const auto& tag : options.tags) validate_tag(tag);
    const std::int64_t shm_size = options.shm_size.empty() ? 0 : ram_in_bytes(options.shm_size);

    // Go's url.Values.Encode sorts by key and keeps the order of repeated
    // values; adding the keys alphabetically gives the same bytes.
    QueryString query;
    query.add("buildargs", build_args_json(options.build_args, lookup).dump());
    query.add("dockerfile", dockerfile);
    for (const auto& host : options.add_hosts) query.add("extrahosts", host);
    if (options.force_rm) query.add("forcerm", "1");
    query.add("labels", kv_map(options.labels).dump());
    query.add("networkmode", options.network);
    if (options.no_cache) query.add("nocache", "1");
    if (!options.platform.empty()) query.add("platform", lower(options.platform));
    if (options.pull) query.add("pull", "1");
    if (options.quiet) query.add("q", "1");
    if (!options.rm) query.add("rm", "0");
    query.add("shmsize", std::to_string(shm_size));
    for (const auto& tag : options.tags) query.add("t", tag);
    query.add("target", options.target);
    query.add("version", "1");
    return query.str();
}

std::string registry_config_header(const std::filesystem::path& credentials_file) {
    // Go marshals the map with sorted keys, as nlohmann::json does; each
    // AuthConfig keeps Go's field order.
    nlohmann::ordered_json configs = nlohmann::ordered_json::object();
    try {
        const registry::CredentialsStore store(credentials_file);
        std::vector<std::string> servers = store.registries();
        std::sort(servers.begin(), servers.end());
        for (const auto& server : servers) {
            const auto found = store.get(server);
            if (!found) continue;
            nlohmann::ordered_json auth = nlohmann::ordered_json::object();
            if (!found->username.empty()) auth["username"] = found->username;
            if (!found->password.empty()) auth["password"] = found->password;
            auth["serveraddress"] = server;
            if (!found->identity_token.empty()) auth["identitytoken"] = found->identity_token;
            if (!found->registry_token.empty()) auth["registrytoken"] = found->registry_token;
            configs[server] = std::move(auth);
        }
    } catch (const std::runtime_error& e) {
        throw CliError(e.what());
    }
    return base64url(configs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace berth::cli
