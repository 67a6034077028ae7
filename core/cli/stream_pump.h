#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "raw_http.h"

// Moving bytes over a hijacked attach/exec connection, as docker's
// hijackedIOStreamer does: local stdin to the socket (watching for the detach
// keys), the socket to local stdout/stderr (demultiplexed unless tty), until
// the output ends or the user detaches. Stdin EOF half-closes the socket and
// output keeps flowing.
namespace berth::cli {

struct StreamPumpOptions {
    bool tty = false;
    int stdin_fd = -1;            // -1: stdin is not attached
    std::string detach_sequence;  // bytes; empty: never detach
    int signal_fd = -1;           // a SignalPipe's read end, or -1
    std::function<void()> on_signal_ready;  // called when signal_fd is readable
};

enum class PumpOutcome { OutputEnded, Detached };

PumpOutcome pump_stream(RawHttpConnection& connection, std::ostream& out, std::ostream& err,
                        const StreamPumpOptions& options);

// Checks the hijack reply: docker accepts only 101 (or 200 from old daemons
// that hijack anyway); an error status carries a JSON message.
void expect_hijacked(RawHttpConnection& connection);

}  // namespace berth::cli
