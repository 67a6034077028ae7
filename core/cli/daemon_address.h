#pragma once

#include <string>
#include <string_view>

// Where berthd listens, parsed from the docker-style -H / BERTH_HOST value.
namespace berth::cli {

inline constexpr std::string_view kDefaultDaemonHost = "unix:///run/berth/berth.sock";
inline constexpr std::string_view kDaemonHostEnv = "BERTH_HOST";

struct DaemonAddress {
    enum class Kind { Unix, Tcp };

    Kind kind = Kind::Unix;
    std::string socket_path;  // Kind::Unix
    std::string host;         // Kind::Tcp, without IPv6 brackets
    std::string port;         // Kind::Tcp
    std::string text;         // as the user wrote it, for error messages

    // Accepts unix:///abs/path and tcp://host:port (tcp://[v6]:port too).
    // Throws UsageError for anything else.
    static DaemonAddress parse(std::string_view text);
};

// -H wins, then BERTH_HOST, then the default socket; an empty value counts as
// unset, as it does for docker.
std::string choose_daemon_host(const std::string& flag_value);

}  // namespace berth::cli
