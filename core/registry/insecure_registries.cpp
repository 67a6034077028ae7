#include "registry/insecure_registries.h"

#include "registry/errors.h"
#include "registry/url.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>

namespace berth::registry {
namespace {

using Addr = std::array<std::uint8_t, 16>;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

// IPv4 literals become IPv4-mapped IPv6 so one comparison serves both.
std::optional<Addr> parse_address(std::string_view text) {
    const std::string s(text);
    Addr a{};
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        a[10] = a[11] = 0xff;
        std::memcpy(&a[12], &v4, 4);
        return a;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::memcpy(a.data(), &v6, 16);
        return a;
    }
    return std::nullopt;
}

bool is_v4_mapped(const Addr &a) {
    for (int i = 0; i < 10; ++i)
        if (a[i] != 0) return false;
    return a[10] == 0xff && a[11] == 0xff;
}

bool prefix_equal(const Addr &a, const Addr &b, int bits) {
    for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        const std::uint8_t mask = bits >= 8 ? 0xff : std::uint8_t(0xff << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) return false;
    }
    return true;
}

std::string strip_scheme(std::string_view entry) {
    for (std::string_view scheme : {"http://", "https://"})
        if (entry.substr(0, scheme.size()) == scheme) entry.remove_prefix(scheme.size());
    while (!entry.empty() && entry.back() == '/') entry.remove_suffix(1);
    return lower(entry);
}

// The addresses a host name resolves to; dockerd does this too so a CIDR
// entry covers registries named by DNS.
std::vector<Addr> resolve(const std::string &host) {
    std::vector<Addr> out;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
    for (auto *ai = res; ai; ai = ai->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        const void *src = ai->ai_family == AF_INET
                              ? static_cast<const void *>(&reinterpret_cast<sockaddr_in *>(ai->ai_addr)->sin_addr)
                              : static_cast<const void *>(&reinterpret_cast<sockaddr_in6 *>(ai->ai_addr)->sin6_addr);
        if (inet_ntop(ai->ai_family, src, buf, sizeof buf))
            if (auto a = parse_address(buf)) out.push_back(*a);
    }
    freeaddrinfo(res);
    return out;
}

} // namespace

bool is_loopback_host(std::string_view host_in) {
    std::string host = lower(host_in);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") return true;
    const auto a = parse_address(host);
    if (!a) return false;
    if (is_v4_mapped(*a)) return (*a)[12] == 127;
    Addr one{};
    one[15] = 1;
    return *a == one;
}

InsecureRegistries::InsecureRegistries(const std::vector<std::string> &entries) {
    for (const auto &raw : entries) {
        const auto entry = strip_scheme(raw);
        const auto slash = entry.find('/');
        if (slash == std::string::npos) {
            if (!split_host_port(entry))
                throw RegistryError(ErrorCategory::Invalid, "insecure-registries: invalid entry \"" + raw + "\"");
            names_.push_back(entry);
            continue;
        }
        const auto addr = parse_address(entry.substr(0, slash));
        int bits = -1;
        const auto len = entry.substr(slash + 1);
        const auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
        const bool v4 = addr && is_v4_mapped(*addr) && entry.find(':') == std::string::npos;
        const int max_bits = v4 ? 32 : 128;
        if (!addr || ec != std::errc() || p != len.data() + len.size() || bits < 0 || bits > max_bits)
            throw RegistryError(ErrorCategory::Invalid, "insecure-registries: invalid CIDR \"" + raw + "\"");
        cidrs_.push_back(Cidr{*addr, v4 ? bits + 96 : bits});
    }
}

bool InsecureRegistries::in_insecure_cidr(std::string_view address) const {
    const auto a = parse_address(address);
    if (!a) return false;
    for (const auto &c : cidrs_)
        if (prefix_equal(*a, c.net, c.prefix_bits)) return true;
    return false;
}

bool InsecureRegistries::is_insecure(std::string_view registry) const {
    const auto name = lower(registry);
    for (const auto &n : names_)
        if (n == name) return true;
    const auto hp = split_host_port(name);
    if (!hp) return false;
    if (is_loopback_host(hp->host)) return true;
    if (cidrs_.empty()) return false;
    if (parse_address(hp->host)) return in_insecure_cidr(hp->host);
    for (const auto &a : resolve(hp->host))
        for (const auto &c : cidrs_)
            if (prefix_equal(a, c.net, c.prefix_bits)) return true;
    return false;
}

} // namespace berth::registry
