#include "api/stdio_session.h"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <poll.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace berth::api {

std::vector<unsigned char> parse_detach_keys(const std::string &spec) {
    std::vector<unsigned char> out;
    std::istringstream in(spec);
    for (std::string key; std::getline(in, key, ',');) {
        if (key == "DEL") {
            out.push_back(127);
            continue;
        }
        if (key.size() == 1) {
            out.push_back(static_cast<unsigned char>(key[0]));
            continue;
        }
        if (key.rfind("ctrl-", 0) == 0 && key.size() == 6) {
            const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(key[5])));
            if (c >= 'a' && c <= 'z') {
                out.push_back(static_cast<unsigned char>(c - 'a' + 1));
                continue;
            }
            static const std::string specials = "@[\\]^_";
            if (auto pos = specials.find(key[5]); pos != std::string::npos) {
                out.push_back(static_cast<unsigned char>(pos == 0 ? 0 : 26 + pos));
                continue;
            }
        }
        throw ApiError(400, "Invalid detach keys (" + spec + ") provided");
    }
    return out;
}

std::string stdcopy_frame(int stream, const char *data, size_t len) {
    std::string out(8, '\0');
    out[0] = static_cast<char>(stream);
    out[4] = static_cast<char>((len >> 24) & 0xff);
    out[5] = static_cast<char>((len >> 16) & 0xff);
    out[6] = static_cast<char>((len >> 8) & 0xff);
    out[7] = static_cast<char>(len & 0xff);
    out.append(data, len);
    return out;
}

namespace {

bool write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        const ssize_t n = ::write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace

bool run_stdio_session(ResponseStream &stream, StdioSession s) {
    std::atomic<bool> detached{false};
    // A pipe the input thread writes to when the client detaches, so the
    // output loop wakes up.
    int wake[2] = {-1, -1};
    if (::pipe(wake) != 0) wake[0] = wake[1] = -1;
    std::thread input;
    if (s.in_fd >= 0) {
        input = std::thread([&] {
            char buf[4096];
            size_t matched = 0; // bytes of the detach sequence seen so far
            for (;;) {
                const size_t n = stream.read_some(buf, sizeof buf);
                if (n == 0) break;
                std::string pass;
                for (size_t i = 0; i < n; ++i) {
                    const auto c = static_cast<unsigned char>(buf[i]);
                    if (!s.detach_keys.empty() && c == s.detach_keys[matched]) {
                        if (++matched == s.detach_keys.size()) {
                            detached = true;
                            break;
                        }
                        continue;
                    }
                    // Not the sequence after all: the held bytes go through.
                    for (size_t k = 0; k < matched; ++k) pass.push_back(static_cast<char>(s.detach_keys[k]));
                    matched = 0;
                    if (!s.detach_keys.empty() && c == s.detach_keys[0]) {
                        matched = 1;
                        continue;
                    }
                    pass.push_back(static_cast<char>(c));
                }
                if (!pass.empty() && s.in_fd >= 0 && !write_all(s.in_fd, pass.data(), pass.size())) break;
                if (detached) break;
            }
            if (s.in_fd >= 0) {
                ::close(s.in_fd);
                s.in_fd = -1;
            }
            if (!detached && s.on_stdin_eof) s.on_stdin_eof();
            if (detached && wake[1] >= 0) (void)!::write(wake[1], "x", 1);
        });
    }
    bool client_gone = false;
    while ((s.out_fd >= 0 || s.err_fd >= 0) && !detached && !client_gone) {
        pollfd fds[3];
        int n = 0;
        int out_idx = -1, err_idx = -1;
        if (s.out_fd >= 0) {
            fds[n] = {s.out_fd, POLLIN, 0};
            out_idx = n++;
        }
        if (s.err_fd >= 0) {
            fds[n] = {s.err_fd, POLLIN, 0};
            err_idx = n++;
        }
        if (wake[0] >= 0) fds[n++] = {wake[0], POLLIN, 0};
        if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int idx : {out_idx, err_idx}) {
            if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            int &fd = idx == out_idx ? s.out_fd : s.err_fd;
            char buf[32768];
            const ssize_t got = ::read(fd, buf, sizeof buf);
            if (got <= 0) {
                ::close(fd);
                fd = -1;
                continue;
            }
            const bool ok = s.tty ? stream.write(std::string_view(buf, static_cast<size_t>(got)))
                                  : stream.write(stdcopy_frame(idx == out_idx ? 1 : 2, buf, static_cast<size_t>(got)));
            if (!ok) client_gone = true;
        }
    }
    for (int *fd : {&s.out_fd, &s.err_fd})
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
    if (input.joinable()) {
        stream.shutdown_read();
        input.join();
    }
    if (s.in_fd >= 0) ::close(s.in_fd);
    for (int fd : wake)
        if (fd >= 0) ::close(fd);
    return detached;
}

} // namespace berth::api
