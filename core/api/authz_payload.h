// authz_payload.h — what authorization plugins are shown of a request and of
// its response, as owned strings. A plugin call can outlive the API thread
// that asked (a timed-out call keeps running on its worker), so the ABI
// structs must point into memory the call itself shares, never into the
// Request being served.
#pragma once

#include "api/http_types.h"

#include <berth/authz.h>

#include <string>

namespace berth::api {

// Bodies above this are not shown to plugins (berth/authz.h).
inline constexpr size_t kAuthzBodyLimit = 4u << 20;

struct AuthzRequestPayload {
    std::string user;
    std::string authn_method;
    std::string method;
    std::string uri;
    std::string headers_json; // without credentials (see authz_payload.cpp)
    std::string body;         // empty unless JSON and small enough
    std::string peer_certs_pem; // empty over the unix socket

    static AuthzRequestPayload from(const Request &request);
    // The ABI view; valid while this payload lives and is not modified.
    berth_authz_request view() const;
};

struct AuthzResponsePayload {
    int status = 0;
    std::string headers_json;
    std::string body; // empty unless JSON and small enough

    static AuthzResponsePayload from(const Response &response);
    berth_authz_response view() const;
};

} // namespace berth::api
