#pragma once

#include <iosfwd>
#include <string_view>

#include "cli_context.h"
#include "daemon_client.h"

// The shared tail of pull, push, load and import: send a request whose reply
// is a JSON progress stream, display the stream, and fail the command the
// way docker does: "Error response from daemon: ..." for an HTTP error, the
// errorDetail message for a failure reported inside the stream.
namespace berth::cli {

struct ProgressRequest {
    std::string_view method = "POST";
    std::string_view target;
    HttpHeaders headers;
    // Streamed as the chunked request body when set (load, import).
    const DaemonClient::BodySource* body = nullptr;
    // -q: the stream is still read (to catch errors) but not shown.
    bool quiet = false;
};

void run_progress_request(const CliContext& ctx, const ProgressRequest& request);

// A body source reading an open file descriptor until EOF; read errors
// become CliError naming `what` ("the image archive").
DaemonClient::BodySource fd_body_source(int fd, std::string what);

}  // namespace berth::cli
