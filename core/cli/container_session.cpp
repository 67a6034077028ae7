#include "container_session.h"

#include <optional>
#include <ostream>

#include <unistd.h>

#include "api_path.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "detach_keys.h"
#include "errors.h"
#include "json_text.h"
#include "query_string.h"
#include "signal_pipe.h"
#include "terminal.h"

namespace berth::cli {

std::unique_ptr<RawHttpConnection> open_attach(const CliContext& ctx, const std::string& id,
                                               const AttachStreams& streams) {
    QueryString query;
    query.add("stream", "1");
    if (streams.in) query.add("stdin", "1");
    if (streams.out) query.add("stdout", "1");
    if (streams.err) query.add("stderr", "1");
    if (!streams.detach_keys.empty()) query.add("detachKeys", streams.detach_keys);
    const DaemonClient client = ctx.client();
    auto connection = std::make_unique<RawHttpConnection>(client.config(), "POST",
                                                          container_target(id, "/attach" + query.str()), "",
                                                          upgrade_headers());
    expect_hijacked(*connection);
    return connection;
}

std::unique_ptr<RawHttpConnection> open_wait(const CliContext& ctx, const std::string& id,
                                             const std::string& condition) {
    QueryString query;
    if (!condition.empty()) query.add("condition", condition);
    const DaemonClient client = ctx.client();
    auto connection =
        std::make_unique<RawHttpConnection>(client.config(), "POST", container_target(id, "/wait" + query.str()), "",
                                            HttpHeaders{});
    if (connection->status() >= 400) {
        HttpResponse reply = connection->head();
        reply.body = connection->read_body();
        throw_if_daemon_error(reply);
    }
    return connection;
}

int read_wait_status(RawHttpConnection& wait, std::ostream& err) {
    const auto body = nlohmann::json::parse(wait.read_body(), nullptr, false);
    if (!body.is_object()) {
        err << "Error waiting for container: unexpected EOF\n";
        return 125;
    }
    const auto& error = body.contains("Error") ? body["Error"] : nlohmann::json();
    if (error.is_object()) {
        if (auto message = field_text(error, "Message"); message && !message->empty()) {
            err << "Error waiting for container: " << *message << '\n';
            return 125;
        }
    }
    const auto code = body.find("StatusCode");
    return code != body.end() && code->is_number_integer() ? code->get<int>() : 125;
}

void send_resize(const CliContext& ctx, const std::string& resize_base, unsigned height, unsigned width) {
    if (height == 0 && width == 0) return;
    QueryString query;
    query.add("h", std::to_string(height));
    query.add("w", std::to_string(width));
    // docker ignores resize failures: the session matters more than its size.
    try {
        ctx.client().request("POST", api_path(resize_base + "/resize" + query.str()));
    } catch (const CliError&) {
    }
}

std::unique_ptr<SignalPipe> session_signals(const SessionOptions& options) {
    std::vector<int> watched;
    if (options.tty) watched.push_back(SIGWINCH);
    if (options.sig_proxy && !options.tty)
        for (const int s : proxied_signals()) watched.push_back(s);
    if (watched.empty()) return nullptr;
    return std::make_unique<SignalPipe>(watched);
}

PumpOutcome run_session(const CliContext& ctx, RawHttpConnection& connection, const SessionOptions& options,
                        SignalPipe* signals) {
    // Raw mode only for a terminal we read keys from, as docker's setupInput.
    std::optional<RawTerminal> raw;
    if (options.tty && options.stdin_attached && ctx.console.in_is_terminal) raw.emplace(ctx.console.in_fd);

    if (options.tty && ctx.console.out_is_terminal)
        send_resize(ctx, options.resize_base, ctx.console.height, ctx.console.width);

    StreamPumpOptions pump;
    pump.tty = options.tty;
    pump.stdin_fd = options.stdin_attached ? ctx.console.in_fd : -1;
    // docker's client watches for the keys only with a tty; without one the
    // daemon does. Watching in both cases ends the session the same way.
    pump.detach_sequence = detach_key_bytes(options.detach_keys.empty() ? kDefaultDetachKeys : options.detach_keys);
    pump.signal_fd = signals != nullptr ? signals->read_fd() : -1;
    pump.on_signal_ready = [&] {
        while (const int signo = signals->next()) {
            if (signo == SIGWINCH) {
                if (auto size = terminal_size(STDOUT_FILENO)) send_resize(ctx, options.resize_base, size->height, size->width);
                continue;
            }
            QueryString query;
            query.add("signal", signal_name(signo));
            try {
                ctx.client().request("POST", container_target(options.kill_target, "/kill" + query.str()));
            } catch (const CliError&) {
            }
        }
    };
    return pump_stream(connection, *ctx.console.out, *ctx.console.err, pump);
}

}  // namespace berth::cli
