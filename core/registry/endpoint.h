// endpoint.h — from a registry name to how it is reached: host and port,
// which schemes to try (https, then http only for loopback and insecure
// registries), and the TLS material from certs.d.
#pragma once

#include "registry/registry_config.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

struct TlsSettings {
    bool verify = true;                            // false only for insecure registries
    std::vector<std::filesystem::path> ca_files;   // added to the system CAs
    std::filesystem::path client_cert, client_key; // empty: no client certificate
};

struct Endpoint {
    std::string registry;             // as named in references: "docker.io", "localhost:5000"
    std::string host;                 // network host: "registry-1.docker.io"
    int port = 0;                     // 0: the scheme's default
    std::vector<std::string> schemes; // tried in order until one answers
    TlsSettings tls;
};

// Docker Hub's names ("docker.io", "index.docker.io") all map to
// registry-1.docker.io. Throws RegistryError (Invalid) for an unparsable name
// or a broken certs.d directory.
Endpoint resolve_endpoint(std::string_view registry, const RegistryConfig &config);

// TLS settings for any host:port berthd connects to (registry, token server,
// redirect target): certs.d material for that name, verification off when
// it is an insecure registry.
TlsSettings tls_settings_for(std::string_view host_port, const RegistryConfig &config);

// docker's certs.d rules for one directory: *.crt are CAs; every *.cert needs
// the *.key of the same stem and vice versa. A missing directory is fine
// (nothing configured); a lone half of a pair throws RegistryError (Invalid).
TlsSettings read_certs_dir(const std::filesystem::path &dir);

} // namespace berth::registry
