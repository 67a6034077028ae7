#include "registry/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace berth::registry {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto &ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

std::optional<int> parse_port(std::string_view s) {
    int port = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
    if (ec != std::errc() || p != s.data() + s.size() || port <= 0 || port > 65535) return std::nullopt;
    return port;
}

std::string bracket(const std::string &host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

} // namespace

std::string Url::host_port() const {
    const bool default_port = port == 0 || port == (scheme == "https" ? 443 : 80);
    return bracket(host) + (default_port ? "" : ":" + std::to_string(port));
}

std::string Url::origin() const {
    return scheme + "://" + bracket(host) + ":" + std::to_string(effective_port());
}

std::string Url::str() const { return scheme + "://" + host_port() + target; }

std::optional<HostPort> split_host_port(std::string_view text) {
    HostPort hp;
    if (text.empty()) return std::nullopt;
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        hp.host = std::string(text.substr(1, close - 1));
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            const auto port = parse_port(rest.substr(1));
            if (!port) return std::nullopt;
            hp.port = *port;
        }
    } else if (std::count(text.begin(), text.end(), ':') > 1) {
        hp.host = std::string(text); // a bare IPv6 literal
    } else {
        const auto colon = text.find(':');
        hp.host = std::string(text.substr(0, colon));
        if (colon != std::string_view::npos) {
            const auto port = parse_port(text.substr(colon + 1));
            if (!port) return std::nullopt;
            hp.port = *port;
        }
    }
    if (hp.host.empty()) return std::nullopt;
    hp.host = lower(hp.host);
    return hp;
}

std::optional<Url> parse_url(std::string_view text) {
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    Url u;
    u.scheme = lower(text.substr(0, sep));
    if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
    auto rest = text.substr(sep + 3);
    const auto path_start = rest.find_first_of("/?#");
    const auto authority = rest.substr(0, path_start);
    if (authority.find('@') != std::string_view::npos) return std::nullopt; // userinfo: never from a registry
    const auto hp = split_host_port(authority);
    if (!hp) return std::nullopt;
    u.host = hp->host;
    u.port = hp->port;
    if (path_start != std::string_view::npos) {
        auto target = rest.substr(path_start);
        target = target.substr(0, target.find('#'));
        u.target = target.empty() || target.front() != '/' ? "/" + std::string(target) : std::string(target);
    }
    return u;
}

std::optional<Url> resolve_url(const Url &base, std::string_view ref) {
    if (ref.find("://") != std::string_view::npos) return parse_url(ref);
    if (ref.substr(0, 2) == "//") return parse_url(base.scheme + ":" + std::string(ref));
    Url u = base;
    ref = ref.substr(0, ref.find('#'));
    if (!ref.empty() && ref.front() == '/') {
        u.target = std::string(ref);
    } else if (!ref.empty() && ref.front() == '?') {
        u.target = base.target.substr(0, base.target.find('?')) + std::string(ref);
    } else {
        const auto path = base.target.substr(0, base.target.find('?'));
        u.target = path.substr(0, path.rfind('/') + 1) + std::string(ref);
    }
    return u;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : text) {
        if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            out += char(ch);
        } else {
            out += '%';
            out += kHex[ch >> 4];
            out += kHex[ch & 0xf];
        }
    }
    return out;
}

std::string append_query(std::string target, std::string_view name, std::string_view value) {
    target += target.find('?') == std::string::npos ? '?' : '&';
    target += std::string(name) + "=" + percent_encode(value);
    return target;
}

} // namespace berth::registry
