// registry_config.h — the daemon-wide settings every registry client shares,
// filled from DaemonConfig by whoever creates clients.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace berth::registry {

class CredentialsStore;

struct RegistryConfig {
    // daemon.json "insecure-registries": CIDRs or host[:port] names.
    std::vector<std::string> insecure_registries;
    // Per-registry TLS material, docker's certs.d layout:
    // <certs_dir>/<host:port>/*.crt (CAs), *.cert + *.key (client pairs).
    std::filesystem::path certs_dir = "/etc/berth/certs.d";
    std::string user_agent = "berth";

    // Retries after the first attempt, for transient failures (connection
    // reset, 5xx, 429) of idempotent requests and of blob downloads.
    int max_retries = 5;
    // Backoff: initial, doubling per attempt, capped.
    std::chrono::milliseconds retry_initial_delay{1000};
    std::chrono::milliseconds retry_max_delay{30000};

    std::chrono::seconds connect_timeout{30};
    // Longest silence while reading or writing before the connection counts
    // as broken (and a blob download resumes on a new one).
    std::chrono::seconds io_timeout{60};

    // Blob upload PATCH size; the last chunk may be shorter.
    std::size_t upload_chunk_size = 16 * 1024 * 1024;
    // Largest manifest or tag list accepted into memory (docker: 4 MiB).
    std::size_t max_manifest_bytes = 4 * 1024 * 1024;

    // Where logins come from when a client is created without explicit
    // credentials. May be null: anonymous.
    std::shared_ptr<const CredentialsStore> credentials_store;
};

} // namespace berth::registry
