// errors.h — how a registry operation fails. One exception type with a coarse
// category, so the API layer can pick an HTTP status and the puller can tell
// "retry later" from "give up", while the message keeps moby's wording
// ("manifest unknown: manifest unknown") that the docker CLI shows verbatim.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

enum class ErrorCategory {
    NotFound,     // repository, tag, manifest or blob unknown
    Unauthorized, // no credentials, wrong credentials, or no way to authenticate
    Denied,       // authenticated, but the registry refuses the access
    Transient,    // network failure, 5xx, 429: trying again later may work
    Invalid,      // our input was refused: bad name, bad platform, unsupported type
    Corrupt,      // the registry's data failed verification (digest, size, JSON)
};

// One entry of a registry's {"errors":[{code,message,detail}]} reply.
struct RegistryErrorEntry {
    std::string code;    // "MANIFEST_UNKNOWN"
    std::string message; // "manifest unknown"
    std::string detail;  // the detail value as JSON text, "" when absent
};

class RegistryError : public std::runtime_error {
public:
    RegistryError(ErrorCategory category, const std::string &message, int registry_status = 0,
                  std::vector<RegistryErrorEntry> entries = {});

    ErrorCategory category() const noexcept { return category_; }
    // The registry's HTTP status, or 0 when no reply was involved.
    int registry_status() const noexcept { return registry_status_; }
    const std::vector<RegistryErrorEntry> &entries() const noexcept { return entries_; }

private:
    ErrorCategory category_;
    int registry_status_;
    std::vector<RegistryErrorEntry> entries_;
};

// "not found", "unauthorized", ... for logs.
const char *category_name(ErrorCategory category);

// The status berthd's API should answer with: 404, 401, 403, 503, 400, 502.
int suggested_http_status(ErrorCategory category);

// The category a registry error code stands for (UNAUTHORIZED, DENIED, ...),
// falling back to the HTTP status when the code is unknown or empty.
ErrorCategory category_for(std::string_view code, int http_status);

// Builds the error for a registry reply that was not a success. `request`
// ("GET https://host/v2/x/manifests/latest") names the call when the body is
// not the registry JSON error shape, so the message still says what failed.
RegistryError error_from_reply(int status, std::string_view body, std::string_view request);

} // namespace berth::registry
