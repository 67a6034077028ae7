// url.h — the little URL handling a registry client needs: upload Locations
// and redirects may be absolute or relative, token realms are absolute, and
// "host:port" strings name registries.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::registry {

struct Url {
    std::string scheme;        // "http" or "https"
    std::string host;          // without IPv6 brackets
    int port = 0;              // 0: the scheme's default
    std::string target = "/";  // path and query, as sent on the request line

    int effective_port() const { return port ? port : (scheme == "https" ? 443 : 80); }
    // "host" or "host:port" (port only when not the default), IPv6 bracketed.
    std::string host_port() const;
    // "scheme://host:port" with the port always explicit: two URLs are the
    // same origin exactly when these are equal.
    std::string origin() const;
    std::string str() const;
};

// http(s) URLs only; nullopt for anything else.
std::optional<Url> parse_url(std::string_view text);

// `ref` (absolute, "//host/..", "/path", or relative to base's directory)
// against `base`.
std::optional<Url> resolve_url(const Url &base, std::string_view ref);

struct HostPort {
    std::string host; // without brackets
    int port = 0;     // 0 when none was given
};

// "host", "host:port", "[v6]", "[v6]:port", or a bare IPv6 literal.
std::optional<HostPort> split_host_port(std::string_view text);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);

// target + ("?" or "&") + name=value, the value percent-encoded.
std::string append_query(std::string target, std::string_view name, std::string_view value);

} // namespace berth::registry
