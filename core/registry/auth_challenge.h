// auth_challenge.h — parsing WWW-Authenticate (RFC 7235): which scheme the
// registry wants and, for Bearer, where its token server is (realm), what it
// calls itself (service) and which scope it expects.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

struct AuthChallenge {
    std::string scheme;                        // lower case: "bearer", "basic"
    std::map<std::string, std::string> params; // keys lower case, values unquoted

    std::string param(const std::string &key) const {
        const auto it = params.find(key);
        return it == params.end() ? std::string() : it->second;
    }
};

// All challenges in one header value. A header may carry several
// ("Basic realm=\"x\", Bearer realm=\"y\""); malformed trailing text is
// dropped rather than failing the whole header.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

// The first Bearer challenge, else the first Basic one, across all the
// WWW-Authenticate headers of a reply.
std::optional<AuthChallenge> pick_challenge(const std::vector<std::string> &headers);

} // namespace berth::registry
