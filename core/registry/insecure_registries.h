// insecure_registries.h — which registries berthd may talk to without
// verified TLS, as dockerd decides it: loopback always (127.0.0.0/8, ::1,
// localhost), plus daemon.json's "insecure-registries" entries, each a CIDR
// ("10.0.0.0/8", "fd00::/8") or a registry name ("myreg:5000").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

// 127.0.0.0/8, ::1 (also ::ffff:127.x.y.z) and "localhost", case-insensitive.
bool is_loopback_host(std::string_view host);

class InsecureRegistries {
public:
    // Throws RegistryError (Invalid) naming a malformed entry, as dockerd
    // refuses to start with one. "http://" / "https://" prefixes are dropped
    // like dockerd does.
    explicit InsecureRegistries(const std::vector<std::string> &entries = {});

    // May `registry` ("host" or "host:port") be reached over plain HTTP or
    // TLS without verification? Names must match an entry exactly (host:port
    // as written); an IP literal, or a name that resolves to an address, is
    // checked against the CIDRs.
    bool is_insecure(std::string_view registry) const;

    // Just the CIDR test, on an address literal; false for non-literals.
    bool in_insecure_cidr(std::string_view address) const;

private:
    struct Cidr {
        std::array<std::uint8_t, 16> net{}; // IPv4 stored as ::ffff:a.b.c.d
        int prefix_bits = 0;                // over the 128-bit form
    };
    std::vector<Cidr> cidrs_;
    std::vector<std::string> names_;
};

} // namespace berth::registry
