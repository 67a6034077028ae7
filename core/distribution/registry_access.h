// registry_access.h — how pull and push get a RegistryClient: the daemon's
// shared registry settings plus the credentials a request carried
// (X-Registry-Auth) or, without them, the logins berth keeps.
#pragma once

#include "registry/credentials.h"
#include "registry/registry_client.h"
#include "registry/registry_config.h"

#include <memory>
#include <optional>
#include <string>

namespace berth::distribution {

class RegistryAccess {
public:
    explicit RegistryAccess(registry::RegistryConfig config) : config_(std::move(config)) {}

    // registry_host as in references: "docker.io", "127.0.0.1:5000".
    // Empty credentials mean "ask the credentials store, else anonymous".
    std::unique_ptr<registry::RegistryClient> client(const std::string &registry_host,
                                                     const registry::Credentials &credentials = {}) const {
        std::optional<registry::Credentials> explicit_credentials;
        if (!credentials.empty()) explicit_credentials = credentials;
        return std::make_unique<registry::RegistryClient>(registry_host, config_, explicit_credentials);
    }

    const registry::RegistryConfig &config() const { return config_; }

private:
    registry::RegistryConfig config_;
};

} // namespace berth::distribution
