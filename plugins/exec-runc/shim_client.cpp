#include "shim_client.hpp"

#include "shim/protocol.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace berth::execrunc {

int connect_shim(const std::string &dir) {
    sockaddr_un addr{};
    if (!shim::make_unix_addr(dir + "/" + shim::socket_name, addr)) return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool shim_call(const std::string &dir, const std::string &line, const std::vector<int> &fds,
               std::string &reply, const std::function<bool()> &cancelled, bool *was_cancelled) {
    int fd = connect_shim(dir);
    if (fd < 0) return false;
    bool ok = shim::send_line_with_fds(fd, line + "\n", fds);
    reply.clear();
    while (ok && reply.find('\n') == std::string::npos) {
        pollfd p{fd, POLLIN, 0};
        int n = poll(&p, 1, 200);
        if (n == 0) {
            if (cancelled && cancelled()) {
                if (was_cancelled != nullptr) *was_cancelled = true;
                ok = false;
            }
            continue;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            ok = false;
            break;
        }
        char buf[1024];
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            ok = false;
            break;
        }
        reply.append(buf, static_cast<size_t>(r));
    }
    close(fd);
    return ok;
}

} // namespace berth::execrunc
