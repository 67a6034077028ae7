#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "commands/container_create_flags.h"
#include "commands/progress_request.h"
#include "container_api.h"
#include "container_session.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "image_names.h"
#include "json_text.h"
#include "query_string.h"
#include "registry_login.h"

// `berth create` and `berth run`, following docker's order of requests:
// create (pulling the image on a 404 "No such image" as docker does), then for
// an attached run: attach (hijacked) -> wait (head only) -> start -> resize ->
// stream until the output ends -> the wait reply's StatusCode is the exit
// status.
namespace berth::cli {
namespace {

// docker's toStatusError: 127 when the command could not be found, 126 when
// it could not be run, 125 for any other failure of `run` itself.
[[noreturn]] void throw_run_error(const std::string& command, const std::string& message) {
    int status = exit_code::kUsage;
    if (message.find("executable file not found") != std::string::npos ||
        message.find("no such file or directory") != std::string::npos)
        status = exit_code::kNotFound;
    else if (message.find("permission denied") != std::string::npos ||
             message.find("is a directory") != std::string::npos)
        status = exit_code::kCannotInvoke;
    throw CliError("berth: " + message + "\n\nRun 'berth " + command + " --help' for more information", status);
}

// "busybox:latest" from "docker.io/library/busybox:latest", as
// reference.FamiliarString prints it.
std::string familiar(std::string reference) {
    for (const std::string prefix : {"docker.io/library/", "docker.io/"})
        if (reference.rfind(prefix, 0) == 0) return reference.substr(prefix.size());
    return reference;
}

// Pull progress goes to stderr so stdout carries only what the command
// prints (the ID for -d), as docker's pullImage does.
void pull_image(const CliContext& ctx, const ContainerCreateOptions& options) {
    const PullTarget target = pull_target(options.image, false);
    QueryString query;
    query.add("fromImage", target.from_image);
    if (target.tag) query.add("tag", *target.tag);
    if (!options.platform.empty()) query.add("platform", options.platform);
    CliContext to_stderr = ctx;
    to_stderr.console.out = ctx.console.err;
    to_stderr.console.out_is_terminal = false;
    ProgressRequest request;
    const std::string path = api_path("/images/create" + query.str());
    request.target = path;
    request.quiet = options.quiet_pull;
    request.headers = {{"X-Registry-Auth", registry_auth_header(credentials_file(), target.domain)}};
    run_progress_request(to_stderr, request);
}

std::string create_container(const CliContext& ctx, const ContainerCreateOptions& options,
                             const CreateRequest& request) {
    const DaemonClient client = ctx.client();
    if (options.pull == "always") pull_image(ctx, options);
    const std::string target = api_path("/containers/create" + request.query);
    const std::string body = dump_json(request.body);
    HttpResponse response = client.request("POST", target, body);
    if (response.status == 404 && options.pull == "missing") {
        *ctx.console.err << "Unable to find image '" << familiar(pull_target(options.image, false).reference)
                         << "' locally\n";
        ctx.console.err->flush();
        pull_image(ctx, options);
        response = client.request("POST", target, body);
    }
    const nlohmann::json created = json_reply(response);
    for (const auto& warning : array_field(created, "Warnings"))
        if (warning.is_string()) *ctx.console.err << "WARNING: " << warning.get<std::string>() << '\n';
    const auto id = field_text(created, "Id");
    if (!id) throw CliError("the daemon's create reply has no Id");
    return *id;
}

ConsoleSizeHint console_size(const CliContext& ctx) {
    if (!ctx.console.out_is_terminal) return {};
    return {ctx.console.height, ctx.console.width};
}

}  // namespace

int run_create(const CliContext& ctx, const ContainerCreateOptions& options) {
    CreateRequest request;
    try {
        request = build_create_request(options, false, process_env, console_size(ctx));
    } catch (const CliError& e) {
        throw_run_error("create", e.what());
    }
    *ctx.console.out << create_container(ctx, options, request) << '\n';
    ctx.console.out->flush();
    return exit_code::kOk;
}

int run_run(const CliContext& ctx, const ContainerCreateOptions& options) {
    CreateRequest request;
    try {
        request = build_create_request(options, true, process_env, console_size(ctx));
    } catch (const CliError& e) {
        throw_run_error("run", e.what());
    }
    const nlohmann::json& body = request.body;
    const AttachStreams streams{body["AttachStdin"].get<bool>(), body["AttachStdout"].get<bool>(),
                                body["AttachStderr"].get<bool>(), options.detach_keys};
    if (!options.detach && options.tty && streams.in && !ctx.console.in_is_terminal)
        throw CliError("the input device is not a TTY");

    std::string id;
    try {
        id = create_container(ctx, options, request);
    } catch (const CliError& e) {
        throw_run_error("run", e.what());
    }

    const bool attached = !options.detach && (streams.in || streams.out || streams.err);
    SessionOptions session;
    session.tty = options.tty;
    session.stdin_attached = streams.in;
    session.sig_proxy = options.sig_proxy && !options.detach;
    session.detach_keys = options.detach_keys;
    session.resize_base = "/containers/" + escape_path_segment(id);
    session.kill_target = id;
    const auto signals = attached ? session_signals(session) : nullptr;
    std::unique_ptr<RawHttpConnection> attach;
    std::unique_ptr<RawHttpConnection> wait;
    try {
        if (attached) attach = open_attach(ctx, id, streams);
        wait = open_wait(ctx, id, options.auto_remove ? "removed" : "next-exit");
    } catch (const CliError& e) {
        throw_run_error("run", e.what());
    }

    try {
        expect_ok(ctx.client(), "POST", container_target(id, "/start"));
    } catch (const CliError& e) {
        attach.reset();
        throw_run_error("run", e.what());
    }

    if (options.detach) {
        *ctx.console.out << id << '\n';
        ctx.console.out->flush();
        return exit_code::kOk;
    }
    // The user typed the detach keys: leave the container running.
    if (attach && run_session(ctx, *attach, session, signals.get()) == PumpOutcome::Detached) return exit_code::kOk;
    return read_wait_status(*wait, *ctx.console.err);
}

void add_create_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<ContainerCreateOptions>();
    CLI::App* cmd = parent.add_subcommand("create", "Create a new container");
    auto finish = add_create_flags(*cmd, *options, false);
    on_selected(*cmd, ctx, [&ctx, options, finish] {
        finish();
        return run_create(ctx, *options);
    });
}

void add_run_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<ContainerCreateOptions>();
    CLI::App* cmd = parent.add_subcommand("run", "Create and run a new container from an image");
    auto finish = add_create_flags(*cmd, *options, true);
    on_selected(*cmd, ctx, [&ctx, options, finish] {
        finish();
        return run_run(ctx, *options);
    });
}

}  // namespace berth::cli
