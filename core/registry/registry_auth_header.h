// registry_auth_header.h — decoding the X-Registry-Auth header the docker CLI
// sends with pull and push: base64url JSON, "e30=" ({}) when there are no
// credentials. Lives here so the API layer gets Credentials without knowing
// the encoding.
#pragma once

#include "registry/credentials.h"

#include <string>
#include <string_view>

namespace berth::registry {

struct RegistryAuth {
    Credentials credentials;    // empty: anonymous
    std::string server_address; // "serveraddress", informational
};

// Tolerant like moby: padding may be missing, URL-safe and standard
// alphabets both occur; an empty header is anonymous. Throws RegistryError
// (Invalid) "invalid X-Registry-Auth header: ..." otherwise.
RegistryAuth decode_registry_auth(std::string_view header);

} // namespace berth::registry
