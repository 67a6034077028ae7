#include "stream_pump.h"

#include <cerrno>
#include <cstring>
#include <ostream>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon_reply.h"
#include "detach_keys.h"
#include "errors.h"
#include "stdcopy.h"

namespace berth::cli {
namespace {

// -1 error, 0 EOF, else bytes read.
ssize_t read_some(int fd, char* buffer, std::size_t size) {
    for (;;) {
        const ssize_t n = ::read(fd, buffer, size);
        if (n < 0 && errno == EINTR) continue;
        return n;
    }
}

}  // namespace

void expect_hijacked(RawHttpConnection& connection) {
    const int status = connection.status();
    if (status == 101 || status == 200) return;
    HttpResponse reply = connection.head();
    reply.body = connection.read_body();
    throw_if_daemon_error(reply);
    throw CliError("unable to upgrade to tcp, received " + std::to_string(status));
}

PumpOutcome pump_stream(RawHttpConnection& connection, std::ostream& out, std::ostream& err,
                        const StreamPumpOptions& options) {
    StdcopyDemuxer demux(out, err);
    const auto deliver = [&](std::string_view bytes) {
        if (bytes.empty()) return;
        if (options.tty) {
            out << bytes;
            out.flush();
        } else {
            demux.feed(bytes);
        }
    };
    deliver(connection.take_buffered());

    DetachKeyScanner scanner(options.detach_sequence);
    int stdin_fd = options.stdin_fd;
    std::vector<char> buffer(32 * 1024);
    for (;;) {
        // Bytes OpenSSL already decrypted would not wake poll() again.
        while (connection.has_pending()) {
            const std::size_t n = connection.read_some(buffer.data(), buffer.size());
            if (n == 0) return PumpOutcome::OutputEnded;
            deliver(std::string_view(buffer.data(), n));
        }
        std::vector<pollfd> fds;
        fds.push_back({connection.fd(), POLLIN, 0});
        if (stdin_fd >= 0) fds.push_back({stdin_fd, POLLIN, 0});
        if (options.signal_fd >= 0) fds.push_back({options.signal_fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            throw CliError(std::string("poll: ") + std::strerror(errno));
        }
        for (const auto& p : fds) {
            if (p.revents == 0) continue;
            if (p.fd == connection.fd()) {
                const std::size_t n = connection.read_some(buffer.data(), buffer.size());
                if (n == 0) return PumpOutcome::OutputEnded;
                deliver(std::string_view(buffer.data(), n));
            } else if (p.fd == stdin_fd) {
                const ssize_t n = read_some(p.fd, buffer.data(), buffer.size());
                if (n <= 0) {
                    connection.close_write();
                    stdin_fd = -1;
                    continue;
                }
                const auto scanned = scanner.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
                if (!scanned.forward.empty() && !connection.write_all(scanned.forward)) stdin_fd = -1;
                if (scanned.detached) {
                    connection.close();
                    return PumpOutcome::Detached;
                }
            } else if (p.fd == options.signal_fd && options.on_signal_ready) {
                options.on_signal_ready();
            }
        }
    }
}

}  // namespace berth::cli
