// relay_tcp.cpp — one small thread per connection copies both directions,
// passing half-closes on (shutdown(SHUT_WR)) so request/response protocols
// that close their sending side still work.
#include "relay.hpp"

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace berth::proxy {

namespace {

constexpr size_t buffer_size = 16 * 1024;
constexpr size_t thread_stack = 64 * 1024;

struct Connection {
    int client;
    const Target *target;
};

bool write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

// Connect to the container on this thread (a target that does not answer
// must not hold up the accept loop), then copy both ways until both close.
void *serve_connection(void *arg) {
    Connection conn = *static_cast<Connection *>(arg);
    delete static_cast<Connection *>(arg);
    const Target &target = *conn.target;
    int upstream = socket(target.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (upstream < 0 ||
        connect(upstream, reinterpret_cast<const sockaddr *>(&target.addr), target.len) != 0) {
        if (upstream >= 0) close(upstream);
        close(conn.client);
        return nullptr;
    }
    struct {
        int client, upstream;
    } pair{conn.client, upstream};
    char buf[buffer_size];
    int from[2] = {pair.client, pair.upstream}, to[2] = {pair.upstream, pair.client};
    bool open[2] = {true, true};
    while (open[0] || open[1]) {
        pollfd pfd[2];
        for (int i = 0; i < 2; ++i) pfd[i] = {open[i] ? from[i] : -1, POLLIN, 0};
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        bool failed = false;
        for (int i = 0; i < 2; ++i) {
            if (!open[i] || pfd[i].revents == 0) continue;
            ssize_t n = read(from[i], buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n > 0 && write_all(to[i], buf, static_cast<size_t>(n))) continue;
            if (n < 0) failed = true;
            open[i] = false;
            shutdown(to[i], SHUT_WR);
        }
        if (failed) break;
    }
    close(pair.client);
    close(pair.upstream);
    return nullptr;
}

} // namespace

void relay_tcp(int listener, const Target &target) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, thread_stack);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EMFILE || errno == ENFILE) usleep(100000);
            continue;
        }
        auto *conn = new Connection{client, &target};
        pthread_t t;
        if (pthread_create(&t, &attr, serve_connection, conn) != 0) {
            delete conn;
            close(client);
        }
    }
}

} // namespace berth::proxy
