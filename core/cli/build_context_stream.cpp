#include "build_context_stream.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <utility>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "cli_extensions.h"
#include "errors.h"

namespace berth::cli {

ContextTarStream::ContextTarStream(std::filesystem::path dir, build::ContextTarOptions options) {
    // Loaded here rather than on the writer thread, so a missing module is
    // reported as itself before anything is sent.
    const CliExtensions* extensions = &cli_extensions();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw CliError(std::string("pipe: ") + std::strerror(errno));
    read_fd_ = fds[0];
    const int write_fd = fds[1];
    writer_ = std::thread([this, extensions, write_fd, dir = std::move(dir), options = std::move(options)] {
        // A write to a pipe whose reader is gone raises SIGPIPE in the
        // writing thread; blocked here, it becomes EPIPE and an exception
        // instead of killing the CLI.
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
        try {
            extensions->write_context_tar(dir, options, write_fd);
        } catch (const std::exception& e) {
            error_ = e.what();
            if (error_.empty()) error_ = "unknown error";
        }
        ::close(write_fd);
    });
}

ContextTarStream::~ContextTarStream() {
    if (read_fd_ >= 0) ::close(read_fd_);
    if (writer_.joinable()) writer_.join();
}

void ContextTarStream::finish_writer() {
    if (writer_.joinable()) writer_.join();
    // The context library's messages already read "error checking
    // context: ..." as docker's do.
    if (!error_.empty()) throw CliError(error_);
}

std::size_t ContextTarStream::read(char* buffer, std::size_t capacity) {
    for (;;) {
        const ssize_t got = ::read(read_fd_, buffer, capacity);
        if (got > 0) return static_cast<std::size_t>(got);
        if (got == 0) {
            finish_writer();
            return 0;
        }
        if (errno == EINTR) continue;
        throw CliError(std::string("error reading the build context: ") + std::strerror(errno));
    }
}

}  // namespace berth::cli
