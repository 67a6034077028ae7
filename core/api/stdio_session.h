// stdio_session.h — one hijacked connection joined to a process's stdio
// pipes: output framed as Docker's multiplexed stream (8-byte headers) or
// raw for a tty, client input copied to stdin through the detach-key filter.
#pragma once

#include "api/http_types.h"

#include <functional>
#include <string>
#include <vector>

namespace berth::api {

// Docker's --detach-keys ("ctrl-p,ctrl-q", "a,ctrl-x"): the byte sequence.
// Throws ApiError 400 naming the bad key.
std::vector<unsigned char> parse_detach_keys(const std::string &spec);

// The 8-byte stdcopy header + payload.
std::string stdcopy_frame(int stream, const char *data, size_t len);

struct StdioSession {
    int out_fd = -1;   // read end: the process's stdout (or the pty)
    int err_fd = -1;   // read end: stderr (-1 with a tty)
    int in_fd = -1;    // write end: the process's stdin (-1 when not attached)
    bool tty = false;
    std::vector<unsigned char> detach_keys; // empty: no detaching
    // Called when the client's input ends (docker closes its write side).
    std::function<void()> on_stdin_eof;
};

// Runs until the output ends, the client goes away or detaches. Closes the
// session's fds. Returns true when the client detached.
bool run_stdio_session(ResponseStream &stream, StdioSession session);

} // namespace berth::api
