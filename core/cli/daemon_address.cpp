#include "daemon_address.h"

#include <cstdlib>

#include "errors.h"

namespace berth::cli {
namespace {

constexpr std::string_view kUnixScheme = "unix://";
constexpr std::string_view kTcpScheme = "tcp://";
// docker's default for plain tcp; with TLS users pass the port explicitly.
constexpr std::string_view kDefaultTcpPort = "2375";

[[noreturn]] void reject(std::string_view text, std::string_view why) {
    throw UsageError("invalid daemon address \"" + std::string(text) + "\": " + std::string(why));
}

DaemonAddress parse_unix(std::string_view text) {
    DaemonAddress addr;
    addr.kind = DaemonAddress::Kind::Unix;
    addr.text = std::string(text);
    addr.socket_path = std::string(text.substr(kUnixScheme.size()));
    // A relative socket path would depend on the caller's cwd, which is never
    // what someone exporting BERTH_HOST means.
    if (addr.socket_path.empty() || addr.socket_path.front() != '/')
        reject(text, "unix socket path must be absolute (unix:///path/to/sock)");
    return addr;
}

DaemonAddress parse_tcp(std::string_view text) {
    DaemonAddress addr;
    addr.kind = DaemonAddress::Kind::Tcp;
    addr.text = std::string(text);
    std::string_view rest = text.substr(kTcpScheme.size());
    // No base-path support: the API path is always /v1.xx/..., so a trailing
    // slash is the only thing after host:port we can accept without lying.
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos) reject(text, "paths after host:port are not supported");

    std::string_view port;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) reject(text, "missing ']' in IPv6 address");
        addr.host = std::string(rest.substr(1, close - 1));
        std::string_view after = rest.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') reject(text, "expected ':' after IPv6 address");
            port = after.substr(1);
        }
    } else {
        const auto colon = rest.rfind(':');
        if (colon != std::string_view::npos && rest.find(':') != colon)
            reject(text, "IPv6 addresses must be written in brackets, e.g. tcp://[::1]:2375");
        addr.host = std::string(rest.substr(0, colon));
        if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    }
    // docker treats tcp://:2375 as the local machine.
    if (addr.host.empty()) addr.host = "localhost";
    addr.port = port.empty() ? std::string(kDefaultTcpPort) : std::string(port);
    for (char c : addr.port)
        if (c < '0' || c > '9') reject(text, "port must be a number");
    return addr;
}

}  // namespace

DaemonAddress DaemonAddress::parse(std::string_view text) {
    if (text.starts_with(kUnixScheme)) return parse_unix(text);
    if (text.starts_with(kTcpScheme)) return parse_tcp(text);
    reject(text, "expected unix:///path or tcp://host:port");
}

std::string choose_daemon_host(const std::string& flag_value) {
    if (!flag_value.empty()) return flag_value;
    const char* env = std::getenv(std::string(kDaemonHostEnv).c_str());
    if (env != nullptr && *env != '\0') return env;
    return std::string(kDefaultDaemonHost);
}

}  // namespace berth::cli
