#include "commands/progress_request.h"

#include <cerrno>
#include <cstring>
#include <optional>
#include <ostream>
#include <streambuf>
#include <utility>

#include <unistd.h>

#include "daemon_reply.h"
#include "errors.h"
#include "progress_renderer.h"

namespace berth::cli {
namespace {

// Swallows output for -q.
class NullBuffer : public std::streambuf {
protected:
    int overflow(int c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};


}  // namespace

void run_progress_request(const CliContext& ctx, const ProgressRequest& request) {
    NullBuffer null_buffer;
    std::ostream null_out(&null_buffer);
    std::ostream& out = request.quiet ? null_out : *ctx.console.out;
    ProgressRenderer renderer(out, {ctx.console.out_is_terminal && !request.quiet, ctx.console.width});

    // An old daemon answers `load` with plain text instead of a JSON stream
    // (docker checks the content type); the first byte tells the two apart.
    std::optional<bool> json;
    const DaemonClient client = ctx.client();
    const auto on_chunk = [&](std::string_view chunk) {
        if (!json) {
            const auto first = chunk.find_first_not_of(" \t\r\n");
            if (first == std::string_view::npos) {
                renderer.feed(chunk);
                return;
            }
            json = chunk[first] == '{';
        }
        if (*json)
            renderer.feed(chunk);
        else
            out << chunk;
    };
    const HttpResponse response =
        request.body != nullptr
            ? client.request_upload(request.method, request.target, *request.body, request.headers, on_chunk)
            : client.request_stream(request.method, request.target, {}, request.headers, on_chunk);
    throw_if_daemon_error(response);
    renderer.finish();
    out.flush();
    if (renderer.error()) throw CliError(*renderer.error());
}

DaemonClient::BodySource fd_body_source(int fd, std::string what) {
    return [fd, what = std::move(what)](char* buffer, std::size_t capacity) -> std::size_t {
        for (;;) {
            const ssize_t got = ::read(fd, buffer, capacity);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno == EINTR) continue;
            throw CliError("error reading " + what + ": " + std::strerror(errno));
        }
    };
}

}  // namespace berth::cli
