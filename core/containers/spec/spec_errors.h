// spec_errors.h — why a container's OCI spec could not be built. The kind
// lets the create route map the failure to a status (400/404) with one catch;
// messages follow Docker's wording where the CLI shows them.
#pragma once

#include <stdexcept>
#include <string>

namespace berth::containers::spec {

enum class SpecErrorKind {
    InvalidArgument, // 400: a malformed or contradictory create request
    NotFound,        // 404: something the request names does not exist (a --device path)
};

class SpecError : public std::runtime_error {
public:
    SpecError(SpecErrorKind kind, const std::string &message) : std::runtime_error(message), kind_(kind) {}
    SpecErrorKind kind() const { return kind_; }
    int http_status() const { return kind_ == SpecErrorKind::NotFound ? 404 : 400; }

private:
    SpecErrorKind kind_;
};

inline SpecError invalid_argument(const std::string &message) {
    return SpecError(SpecErrorKind::InvalidArgument, message);
}
inline SpecError not_found(const std::string &message) { return SpecError(SpecErrorKind::NotFound, message); }

} // namespace berth::containers::spec
