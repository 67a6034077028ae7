#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "container_api.h"
#include "container_session.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"
#include "raw_http.h"
#include "run_flags.h"

// `berth exec`: inspect the container, POST /containers/{id}/exec, then
// POST /exec/{id}/start hijacked (or plain with -d), stream, and finally
// GET /exec/{id}/json, whose ExitCode is the exit status.
namespace berth::cli {

int run_exec(const CliContext& ctx, const ExecOptions& options) {
    if (options.command.empty()) throw UsageError("\"exec\" requires at least 2 arguments.");
    const DaemonClient client = ctx.client();
    inspect_container(client, options.container);

    std::vector<std::string> env;
    const EnvLookup lookup = process_env;
    for (const auto& file : options.env_files)
        for (auto& line : read_kv_file(file, &lookup)) env.push_back(std::move(line));
    for (const auto& e : options.env) env.push_back(resolve_env(e, lookup));

    const bool attach_in = !options.detach && options.interactive;
    if (!options.detach && options.tty && attach_in && !ctx.console.in_is_terminal)
        throw CliError("the input device is not a TTY");
    const bool sized = options.tty && ctx.console.out_is_terminal && ctx.console.width > 0;
    const nlohmann::json console_size =
        sized ? nlohmann::json::array({ctx.console.height, ctx.console.width}) : nlohmann::json(nullptr);
    nlohmann::json config = {
        {"User", options.user},
        {"Privileged", options.privileged},
        {"Tty", options.tty},
        {"ConsoleSize", console_size},
        {"AttachStdin", attach_in},
        {"AttachStderr", !options.detach},
        {"AttachStdout", !options.detach},
        {"Detach", options.detach},
        {"DetachKeys", options.detach_keys},
        {"Env", env.empty() ? nlohmann::json(nullptr) : nlohmann::json(env)},
        {"WorkingDir", options.workdir},
        {"Cmd", options.command},
    };
    const nlohmann::json created =
        json_reply(client.request("POST", container_target(options.container, "/exec"), dump_json(config)));
    const auto exec_id = field_text(created, "Id");
    if (!exec_id) throw CliError("exec ID empty");
    const std::string exec_base = "/exec/" + escape_path_segment(*exec_id);

    nlohmann::json start = {{"Detach", options.detach}, {"Tty", options.tty}};
    if (sized) start["ConsoleSize"] = console_size;
    if (options.detach) {
        throw_if_daemon_error(client.request("POST", api_path(exec_base + "/start"), dump_json(start)));
        return exit_code::kOk;
    }
    RawHttpConnection connection(client.config(), "POST", api_path(exec_base + "/start"), dump_json(start),
                                 upgrade_headers());
    expect_hijacked(connection);
    SessionOptions session;
    session.tty = options.tty;
    session.stdin_attached = attach_in;
    session.detach_keys = options.detach_keys;
    session.resize_base = exec_base;
    const auto signals = session_signals(session);
    if (run_session(ctx, connection, session, signals.get()) == PumpOutcome::Detached)
        throw CliError("read escape sequence");

    const nlohmann::json inspected = json_reply(client.request("GET", api_path(exec_base + "/json")));
    const auto code = inspected.find("ExitCode");
    return code != inspected.end() && code->is_number_integer() ? code->get<int>() : exit_code::kOk;
}

void add_exec_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<ExecOptions>();
    CLI::App* cmd = parent.add_subcommand("exec", "Execute a command in a running container");
    cmd->positionals_at_end(true);
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_option("COMMAND", o->command, "Command and arguments");
    cmd->add_flag("-i,--interactive", o->interactive, "Keep STDIN open even if not attached");
    cmd->add_flag("-t,--tty", o->tty, "Allocate a pseudo-TTY");
    cmd->add_flag("-d,--detach", o->detach, "Detached mode: run command in the background");
    cmd->add_flag("--privileged", o->privileged, "Give extended privileges to the command");
    cmd->add_option("-e,--env", o->env, "Set environment variables")->allow_extra_args(false);
    cmd->add_option("--env-file", o->env_files, "Read in a file of environment variables")->allow_extra_args(false);
    cmd->add_option("-u,--user", o->user, "Username or UID (format: \"<name|uid>[:<group|gid>]\")");
    cmd->add_option("-w,--workdir", o->workdir, "Working directory inside the container");
    cmd->add_option("--detach-keys", o->detach_keys, "Override the key sequence for detaching a container");
    on_selected(*cmd, ctx, [&ctx, o] { return run_exec(ctx, *o); });
}

}  // namespace berth::cli
