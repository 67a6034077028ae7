// router.h — method + path pattern to handler. Patterns use {name} for one
// segment and {name:.*} for the rest of the path (image names contain '/').
#pragma once

#include "api/http_types.h"

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace berth::api {

class AuthzMiddleware; // api/authz_middleware.h

class Router {
public:
    // method "GET" also answers HEAD (with the body dropped by the server).
    void add(const std::string &method, const std::string &pattern, Handler handler);
    // The same for a handler that reads the request body itself, as it
    // arrives, through Request::body_reader (no size limit applies).
    void add_streaming_body(const std::string &method, const std::string &pattern, Handler handler);

    // Whether the route a request target reaches reads its own body. Asked
    // by the server after the head and before the body.
    bool streams_body(const std::string &method, const std::string &target) const;

    struct Match {
        const Handler *handler = nullptr;
        std::map<std::string, std::string> params;
    };
    // nullopt when no route matches the path at all; a Match with a null
    // handler when the path matches but not the method.
    std::optional<Match> match(const std::string &method, const std::string &path) const;

    // The whole request pipeline short of I/O: version prefix, routing,
    // errors turned into Docker's JSON bodies, the standard headers.
    // With authorization plugins configured, through them (see
    // AuthzMiddleware::run).
    Response dispatch(Request &request) const;

    // The authorization chain dispatch runs requests through; nullptr (the
    // default) for none. Not owned; it must outlive the server.
    void set_authz(const AuthzMiddleware *authz) { authz_ = authz; }

private:
    Response route(Request &request) const;

    const AuthzMiddleware *authz_ = nullptr;
    struct Route {
        std::string method;
        std::regex re;
        std::vector<std::string> names;
        Handler handler;
        bool stream_body = false;
    };

    std::vector<Route> routes_;
};

// The headers moby adds to every response.
void add_standard_headers(Response &response);

} // namespace berth::api
