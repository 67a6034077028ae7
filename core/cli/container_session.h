#pragma once

#include <memory>
#include <string>

#include "cli_context.h"
#include "raw_http.h"
#include "signal_pipe.h"
#include "stream_pump.h"

// The pieces of docker's attached flows (`run`, `start -a`, `attach`): the
// hijacked attach request, the wait request whose reply head must arrive
// before start is sent, and the interactive session in between (raw
// terminal, resize on SIGWINCH, signal forwarding, detach keys).
namespace berth::cli {

struct AttachStreams {
    bool in = false;
    bool out = true;
    bool err = true;
    std::string detach_keys;  // sent as detachKeys= when set
};

// POST /containers/{id}/attach?stream=1&stdin=..&stdout=1&stderr=1, upgraded.
std::unique_ptr<RawHttpConnection> open_attach(const CliContext& ctx, const std::string& id,
                                               const AttachStreams& streams);

// POST /containers/{id}/wait?condition=..; returns once the reply head is in.
std::unique_ptr<RawHttpConnection> open_wait(const CliContext& ctx, const std::string& id,
                                             const std::string& condition);

// Reads the wait reply body: its StatusCode, or docker's 125 with "Error
// waiting for container: ..." on stderr when the daemon reports an error.
int read_wait_status(RawHttpConnection& wait, std::ostream& err);

struct SessionOptions {
    bool tty = false;
    bool stdin_attached = false;
    bool sig_proxy = false;    // forward the CLI's signals with POST /kill
    std::string detach_keys;  // as typed; "" = docker's default
    // "/containers/{id}" or "/exec/{id}": where resize requests go.
    std::string resize_base;
    std::string kill_target;  // container for sig-proxy
};

// The signals a session watches: SIGWINCH with a tty, the proxied ones
// without (when sig_proxy). Made before attaching, as docker starts its
// forwarder right after create, so a signal that arrives while the
// container starts is forwarded rather than killing the CLI.
std::unique_ptr<SignalPipe> session_signals(const SessionOptions& options);

// Sends the initial resize (tty), then pumps until the output ends or the
// user detaches. `signals` may be null (no forwarding, no SIGWINCH).
PumpOutcome run_session(const CliContext& ctx, RawHttpConnection& connection, const SessionOptions& options,
                        SignalPipe* signals);

// POST <resize_base>/resize?h=&w= with the console's size; nothing when unknown.
void send_resize(const CliContext& ctx, const std::string& resize_base, unsigned height, unsigned width);

}  // namespace berth::cli
