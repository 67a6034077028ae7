// authenticator.h — internal: the Authorization header for each registry
// request. Follows the registry's challenge: none (anonymous), Basic
// (credentials on every request) or Bearer (a token per scope from the
// realm, cached until it expires). Safe to use from several threads.
#pragma once

#include "registry/auth_challenge.h"
#include "registry/credentials.h"
#include "registry/http_transport.h"
#include "registry/token_cache.h"

#include <mutex>
#include <optional>
#include <string>

namespace berth::registry::detail {

class Authenticator {
public:
    Authenticator(std::string registry, Credentials credentials, HttpTransport &transport);

    // Record the challenge a /v2/ ping (or any 401) carried; nullopt for none.
    void set_challenge(std::optional<AuthChallenge> challenge);

    // The Authorization value for a request needing `scopes`; nullopt sends
    // none. May contact the token server. Throws RegistryError.
    std::optional<std::string> authorization(const Scopes &scopes);

    // A request needing `scopes` got 401: take the reply's challenge, drop
    // cached tokens for those scopes. Throws RegistryError (Unauthorized)
    // when the reply has no challenge: nothing to retry with.
    void on_unauthorized(const HttpResponse &reply, const Scopes &scopes);

private:
    std::string fetch_token(const AuthChallenge &challenge, const Scopes &scopes);

    std::string registry_;
    Credentials credentials_;
    HttpTransport &transport_;
    std::mutex mutex_;       // guards challenge_
    std::mutex fetch_mutex_; // one token request at a time: the others reuse its token
    std::optional<AuthChallenge> challenge_;
    TokenCache tokens_;
};

} // namespace berth::registry::detail
