// client_impl.h — internal: RegistryClient's state and the request path every
// call shares (find the endpoint, authenticate, follow redirects, retry).
// The calls themselves live in client_manifests.cpp, client_blob_fetch.cpp,
// client_blob_push.cpp and client_tags.cpp.
#pragma once

#include "registry/authenticator.h"
#include "registry/endpoint.h"
#include "registry/http_transport.h"
#include "registry/registry_client.h"

#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

namespace berth::registry {

struct RegistryClient::Impl {
    Impl(std::string registry, RegistryConfig config, std::optional<Credentials> credentials);

    RegistryConfig config;
    Endpoint endpoint;
    detail::HttpTransport transport;
    detail::Authenticator auth;

    // "https://host:port/v2/" once found; the ping sets it.
    Url base_url();
    // base + "/v2/" + rest.
    Url v2_url(const std::string &rest);

    static detail::Scopes scopes(const std::string &repository, Access access);

    // One logical request: adds Authorization, re-authenticates once on a
    // 401 with a challenge, follows redirects of GET/HEAD (dropping
    // Authorization once they leave the registry's origin). `trusted_url`
    // means the URL came from the registry (an upload Location) and gets
    // Authorization even on another origin. Non-2xx replies are returned.
    detail::HttpResponse exchange(const detail::HttpRequest &request, const detail::Scopes &scopes,
                                  const detail::BodyStream *stream = nullptr, bool trusted_url = false);

    // exchange, repeated after network errors and 408/429/5xx with backoff,
    // up to config.max_retries times. For idempotent requests only.
    detail::HttpResponse exchange_with_retries(const detail::HttpRequest &request, const detail::Scopes &scopes,
                                               const std::stop_token &stop = {});

    // Sleeps before retry `attempt`, or throws when `stop` is requested.
    void backoff(int attempt, const std::string &retry_after, const std::stop_token &stop, const std::string &what);

private:
    std::mutex ping_mutex_;
    std::optional<Url> base_; // guarded by ping_mutex_
};

// "GET https://host/v2/..." for messages.
std::string describe(const detail::HttpRequest &request);

} // namespace berth::registry
