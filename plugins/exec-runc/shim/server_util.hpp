// server_util.hpp — small helpers the parts of berth-shim's Server share
// (server.cpp: lifecycle and exits; server_stdio.cpp: stdio, pty, logging;
// server_requests.cpp: the control socket's requests). Internal to the shim.
#pragma once

#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace berth::shim {

// Output still buffered in the pipes after init exits is drained for at
// most this long before the exit is announced (a stray holder of the pipe
// must not delay wait forever).
inline constexpr long long drain_limit_ms = 2000;

inline int64_t wall_clock_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

inline std::string read_text_file(const std::string &path, bool &ok) {
    std::ifstream in(path);
    ok = static_cast<bool>(in);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline long long now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

inline void close_fd(int &fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

inline std::string json_escape(const std::string &s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

inline std::string error_reply(const std::string &msg) {
    return "{\"ok\":false,\"error\":\"" + json_escape(msg) + "\"}\n";
}

inline const char *status_name(int s) {
    static const char *names[] = {"created", "running", "stopped"};
    return names[s];
}

} // namespace berth::shim
