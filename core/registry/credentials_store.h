// credentials_store.h — registry logins kept in a JSON file shaped like
// docker's config.json ({"auths": {"<registry>": {"auth": base64("user:pass")}}}),
// so a file written by `docker login` can be read and vice versa. The file
// holds secrets: it is always written with mode 0600.
#pragma once

#include "registry/credentials.h"

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

class CredentialsStore {
public:
    explicit CredentialsStore(std::filesystem::path file);

    const std::filesystem::path &path() const { return file_; }

    // The login for `registry` ("docker.io", "localhost:5000",
    // "https://index.docker.io/v1/" all work). Reads the file each time, so
    // edits by other processes are seen. Throws std::runtime_error when the
    // file exists but is not valid JSON.
    std::optional<Credentials> get(std::string_view registry) const;

    // Adds or replaces a login; other registries and any other top-level keys
    // of the file are kept. Throws std::runtime_error on I/O failure.
    void put(std::string_view registry, const Credentials &credentials);

    // Removes a login; false when there was none.
    bool erase(std::string_view registry);

    // The registries with a login, as keys in the file.
    std::vector<std::string> registries() const;

    // The comparison key: scheme and path dropped, lower case, and every name
    // of Docker Hub folded to "docker.io".
    static std::string normalize_key(std::string_view registry);

private:
    std::filesystem::path file_;
    mutable std::mutex mutex_; // serializes read-modify-write within this process
};

} // namespace berth::registry
