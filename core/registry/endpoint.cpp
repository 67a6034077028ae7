#include "registry/endpoint.h"

#include "registry/errors.h"
#include "registry/insecure_registries.h"
#include "registry/url.h"

#include <algorithm>

namespace berth::registry {
namespace {

bool is_docker_hub(std::string_view name) {
    return name == "docker.io" || name == "index.docker.io" || name == "registry-1.docker.io";
}

} // namespace

TlsSettings read_certs_dir(const std::filesystem::path &dir) {
    TlsSettings tls;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return tls;
    std::vector<std::filesystem::path> files;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec))
        if (e.is_regular_file(ec) || e.is_symlink(ec)) files.push_back(e.path());
    std::sort(files.begin(), files.end()); // deterministic: the first pair wins
    auto has = [&](const std::filesystem::path &p) { return std::find(files.begin(), files.end(), p) != files.end(); };
    for (const auto &f : files) {
        const auto ext = f.extension().string();
        if (ext == ".crt") {
            tls.ca_files.push_back(f);
        } else if (ext == ".cert") {
            auto key = f;
            key.replace_extension(".key");
            if (!has(key))
                throw RegistryError(ErrorCategory::Invalid,
                                    "missing key " + key.filename().string() + " for client certificate " +
                                        f.filename().string() + ". CA certificates must use the extension .crt.");
            if (tls.client_cert.empty()) {
                tls.client_cert = f;
                tls.client_key = key;
            }
        } else if (ext == ".key") {
            auto cert = f;
            cert.replace_extension(".cert");
            if (!has(cert))
                throw RegistryError(ErrorCategory::Invalid, "missing client certificate " +
                                                                cert.filename().string() + " for key " +
                                                                f.filename().string());
        }
    }
    return tls;
}

TlsSettings tls_settings_for(std::string_view host_port, const RegistryConfig &config) {
    TlsSettings tls;
    if (!config.certs_dir.empty()) tls = read_certs_dir(config.certs_dir / std::string(host_port));
    tls.verify = !InsecureRegistries(config.insecure_registries).is_insecure(host_port);
    return tls;
}

Endpoint resolve_endpoint(std::string_view registry, const RegistryConfig &config) {
    const auto hp = split_host_port(registry);
    if (!hp) throw RegistryError(ErrorCategory::Invalid, "invalid registry name \"" + std::string(registry) + "\"");
    Endpoint ep;
    ep.registry = std::string(registry);
    ep.host = hp->host;
    ep.port = hp->port;
    if (is_docker_hub(hp->host) && hp->port == 0) {
        ep.registry = "docker.io";
        ep.host = "registry-1.docker.io";
    }
    // certs.d is keyed by the name the user wrote; dockerd also accepts the
    // network host for Docker Hub.
    ep.tls = tls_settings_for(ep.registry, config);
    if (ep.tls.ca_files.empty() && ep.tls.client_cert.empty() && ep.host != hp->host) {
        auto alt = tls_settings_for(ep.host, config);
        ep.tls.ca_files = alt.ca_files;
        ep.tls.client_cert = alt.client_cert;
        ep.tls.client_key = alt.client_key;
    }
    // Like dockerd: HTTPS first even for insecure registries (unverified),
    // then plain HTTP. Everyone else gets verified HTTPS only.
    ep.schemes = {"https"};
    if (!ep.tls.verify) ep.schemes.push_back("http");
    return ep;
}

} // namespace berth::registry
