#include "api/body_feeder.h"

#include <cerrno>
#include <stdexcept>
#include <sys/socket.h>
#include <vector>

namespace berth::api {

BodyFeeder::BodyFeeder(std::function<size_t(char *, size_t)> reader) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw std::runtime_error("socketpair failed");
    read_end_.reset(fds[0]);
    images::UniqueFd w(fds[1]);
    thread_ = std::thread([reader = std::move(reader), w = std::move(w), this]() mutable {
        try {
            std::vector<char> buf(256 * 1024);
            for (size_t n; (n = reader(buf.data(), buf.size())) > 0;) {
                for (size_t off = 0; off < n;) {
                    // MSG_NOSIGNAL: a consumer that stops early is no SIGPIPE.
                    const ssize_t k = ::send(w.get(), buf.data() + off, n - off, MSG_NOSIGNAL);
                    if (k < 0) {
                        if (errno == EINTR) continue;
                        return; // the consumer stopped
                    }
                    off += size_t(k);
                }
            }
        } catch (const std::exception &e) {
            error_ = e.what();
        }
    });
}

BodyFeeder::~BodyFeeder() {
    read_end_.reset();
    if (thread_.joinable()) thread_.join();
}

std::string BodyFeeder::finish() {
    read_end_.reset();
    if (thread_.joinable()) thread_.join();
    return error_;
}

} // namespace berth::api
