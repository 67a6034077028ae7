#include "images/tee_apply.h"

#include "images/digest.h"
#include "images/fs_util.h"
#include "images/unique_fd.h"

#include <atomic>
#include <cerrno>
#include <exception>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace berth::images {
namespace {

// A socket rather than a pipe: send(MSG_NOSIGNAL) reports a reader that
// has gone as EPIPE instead of raising SIGPIPE, and shutdown() on the
// reader's end wakes a blocked writer even if a timed-out plugin call still
// holds a duplicate of that end.
bool send_all(int fd, const char *p, size_t len) {
    while (len > 0) {
        const ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        len -= size_t(n);
    }
    return true;
}

} // namespace

TeeOutcome apply_hashed(LayerDriver &driver, const std::string &id, const std::string &parent, int in_fd,
                        const ChunkSink &sink, const ByteProgress &progress) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        fsx::throw_errno("apply " + id + ": socketpair", errno);
    UniqueFd writer(sv[0]);
    UniqueFd reader(sv[1]);

    std::atomic<bool> apply_failed{false};
    std::exception_ptr apply_error;
    int64_t applied = 0;
    std::thread worker([&] {
        try {
            applied = driver.apply_diff(id, parent, reader.get());
        } catch (...) {
            apply_error = std::current_exception();
            apply_failed = true;
        }
        // Set before the shutdown: the writer checks it once sends fail.
        ::shutdown(reader.get(), SHUT_RDWR);
    });
    // Every exit path ends the stream and waits for the apply, so the
    // driver never outlives this call's references.
    struct Joiner {
        std::thread &t;
        int fd;
        ~Joiner() {
            ::shutdown(fd, SHUT_RDWR);
            if (t.joinable()) t.join();
        }
    } joiner{worker, writer.get()};

    Sha256 hasher;
    std::vector<char> buf(1 << 17);
    bool sending = true;
    for (;;) {
        const ssize_t n = ::read(in_fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fsx::throw_errno("apply " + id + ": read layer stream", errno);
        }
        if (n == 0) break;
        hasher.update(buf.data(), size_t(n));
        if (sink) sink(buf.data(), size_t(n));
        if (sending && !send_all(writer.get(), buf.data(), size_t(n))) {
            // The driver stopped reading: an error ends everything; a
            // success means only trailing padding is left to hash.
            if (apply_failed) break;
            sending = false;
        }
        if (progress) progress(hasher.bytes());
    }
    ::shutdown(writer.get(), SHUT_WR); // EOF for the driver
    worker.join();
    if (apply_error) std::rethrow_exception(apply_error);
    return TeeOutcome{hasher.digest(), applied, hasher.bytes()};
}

} // namespace berth::images
