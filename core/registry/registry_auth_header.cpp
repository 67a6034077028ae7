#include "registry/registry_auth_header.h"

#include "registry/base64.h"
#include "registry/errors.h"

#include <nlohmann/json.hpp>

namespace berth::registry {

RegistryAuth decode_registry_auth(std::string_view header) {
    RegistryAuth out;
    while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    if (header.empty()) return out;
    const auto json_text = detail::base64_decode(header);
    if (!json_text) throw RegistryError(ErrorCategory::Invalid, "invalid X-Registry-Auth header: not base64");
    const auto doc = nlohmann::json::parse(*json_text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw RegistryError(ErrorCategory::Invalid, "invalid X-Registry-Auth header: not a JSON object");
    auto str = [&](const char *key) {
        const auto it = doc.find(key);
        return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto &c = out.credentials;
    c.username = str("username");
    c.password = str("password");
    c.identity_token = str("identitytoken");
    c.registry_token = str("registrytoken");
    // Some clients send the config.json form: "auth" = base64("user:pass").
    if (c.username.empty() && c.password.empty())
        if (const auto auth = detail::base64_decode(str("auth")); auth && !auth->empty()) {
            const auto colon = auth->find(':');
            c.username = auth->substr(0, colon);
            if (colon != std::string::npos) c.password = auth->substr(colon + 1);
        }
    out.server_address = str("serveraddress");
    return out;
}

} // namespace berth::registry
