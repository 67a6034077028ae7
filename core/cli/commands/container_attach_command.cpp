#include <memory>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "container_api.h"
#include "container_session.h"
#include "errors.h"
#include "json_text.h"

// `berth attach`: docker's order is wait (no condition, so the exit code is
// not missed) -> inspect (refusing stopped, paused and restarting
// containers) -> attach -> stream. Detaching ends with docker's "read escape
// sequence" error and leaves the container running.
namespace berth::cli {

int run_attach(const CliContext& ctx, const AttachOptions& options) {
    auto wait = open_wait(ctx, options.container, "");
    const nlohmann::json info = inspect_container(ctx.client(), options.container);
    const auto& state = object_field(info, "State");
    if (!state.value("Running", false)) throw CliError("You cannot attach to a stopped container, start it first");
    if (state.value("Paused", false)) throw CliError("You cannot attach to a paused container, unpause it first");
    if (state.value("Restarting", false))
        throw CliError("You cannot attach to a restarting container, wait until it is running");
    const auto& config = object_field(info, "Config");
    const bool tty = config.value("Tty", false);
    const bool in = !options.no_stdin && config.value("OpenStdin", false);
    const std::string id = field_or(info, "Id", options.container);

    SessionOptions session;
    session.tty = tty;
    session.stdin_attached = in;
    session.sig_proxy = options.sig_proxy && !tty;
    session.detach_keys = options.detach_keys;
    session.resize_base = "/containers/" + escape_path_segment(id);
    session.kill_target = id;
    const auto signals = session_signals(session);
    auto attach = open_attach(ctx, id, {in, true, true, options.detach_keys});
    // As docker: first a size one larger, so the size the session then sends
    // is a real change and the program in the container redraws its screen.
    if (tty && ctx.console.out_is_terminal && ctx.console.width > 0)
        send_resize(ctx, session.resize_base, ctx.console.height + 1, ctx.console.width + 1);
    if (run_session(ctx, *attach, session, signals.get()) == PumpOutcome::Detached)
        throw CliError("read escape sequence");
    return read_wait_status(*wait, *ctx.console.err);
}

void add_attach_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<AttachOptions>();
    CLI::App* cmd = parent.add_subcommand("attach", "Attach local standard input, output, and error streams to a running container");
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_option("--detach-keys", o->detach_keys, "Override the key sequence for detaching a container");
    cmd->add_flag("--no-stdin", o->no_stdin, "Do not attach STDIN");
    cmd->add_flag("--sig-proxy", o->sig_proxy, "Proxy all received signals to the process");
    on_selected(*cmd, ctx, [&ctx, o] { return run_attach(ctx, *o); });
}

}  // namespace berth::cli
