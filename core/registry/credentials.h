// credentials.h — what a user authenticates to one registry with. Comes from
// the X-Registry-Auth header of an API call or from a CredentialsStore.
#pragma once

#include <string>

namespace berth::registry {

struct Credentials {
    std::string username;
    std::string password;
    // An OAuth2 refresh token ("identitytoken" in docker's config.json and in
    // X-Registry-Auth): exchanged at the token server with a POST.
    std::string identity_token;
    // A ready bearer token ("registrytoken"): sent as is, no token exchange.
    std::string registry_token;

    bool empty() const {
        return username.empty() && password.empty() && identity_token.empty() && registry_token.empty();
    }
    bool has_password() const { return !username.empty() || !password.empty(); }
};

} // namespace berth::registry
