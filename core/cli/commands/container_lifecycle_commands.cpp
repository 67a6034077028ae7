#include <memory>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "container_api.h"
#include "container_session.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"
#include "query_string.h"

// start, stop, restart, kill, rm, pause, unpause, wait and rename. The
// multi-container ones act on every name, print each that succeeded, and
// report the failures together at the end (exit 1), as docker's errors.Join.
namespace berth::cli {
namespace {

// Runs `act` for each name: prints what `act` returns on success, collects
// the errors for one CliError at the end.
template <class Act>
int for_each_container(const CliContext& ctx, const std::vector<std::string>& names, Act act) {
    std::string errors;
    for (const auto& name : names) {
        try {
            const std::string line = act(name);
            *ctx.console.out << line << '\n';
            ctx.console.out->flush();
        } catch (const CliError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

int start_attached(const CliContext& ctx, const StartOptions& options) {
    if (options.containers.size() > 1) throw CliError("you cannot start and attach multiple containers at once");
    const std::string& name = options.containers.front();
    const nlohmann::json info = inspect_container(ctx.client(), name);
    const auto& config = object_field(info, "Config");
    const bool tty = config.value("Tty", false);
    const bool open_stdin = config.value("OpenStdin", false);
    const std::string id = field_or(info, "Id", name);
    const AttachStreams streams{options.interactive && open_stdin, true, true, options.detach_keys};
    SessionOptions session;
    session.tty = tty;
    session.stdin_attached = streams.in;
    session.sig_proxy = !tty;
    session.detach_keys = options.detach_keys;
    session.resize_base = "/containers/" + escape_path_segment(id);
    session.kill_target = id;
    const auto signals = session_signals(session);
    auto attach = open_attach(ctx, id, streams);
    auto wait = open_wait(ctx, id, "next-exit");
    expect_ok(ctx.client(), "POST", container_target(id, "/start"));
    if (run_session(ctx, *attach, session, signals.get()) == PumpOutcome::Detached) return exit_code::kOk;
    return read_wait_status(*wait, *ctx.console.err);
}

}  // namespace

int run_start(const CliContext& ctx, const StartOptions& options) {
    if (options.attach || options.interactive) return start_attached(ctx, options);
    // docker prints each failure as it happens and ends with a summary.
    const DaemonClient client = ctx.client();
    std::vector<std::string> failed;
    for (const auto& name : options.containers) {
        try {
            expect_ok(client, "POST", container_target(name, "/start"));
            *ctx.console.out << name << '\n';
            ctx.console.out->flush();
        } catch (const DaemonError& e) {
            *ctx.console.err << e.what() << '\n';
            failed.push_back(name);
        }
    }
    if (failed.empty()) return exit_code::kOk;
    std::string list;
    for (const auto& f : failed) list += (list.empty() ? "" : ", ") + f;
    throw CliError("Error: failed to start containers: " + list);
}

namespace {

std::string stop_query(const StopOptions& options) {
    QueryString query;
    if (!options.signal.empty()) query.add("signal", options.signal);
    if (options.time) query.add("t", std::to_string(*options.time));
    return query.str();
}

}  // namespace

int run_stop(const CliContext& ctx, const StopOptions& options) {
    const DaemonClient client = ctx.client();
    const std::string query = stop_query(options);
    return for_each_container(ctx, options.containers, [&](const std::string& name) {
        expect_ok(client, "POST", container_target(name, "/stop" + query));
        return name;
    });
}

int run_restart(const CliContext& ctx, const StopOptions& options) {
    const DaemonClient client = ctx.client();
    const std::string query = stop_query(options);
    return for_each_container(ctx, options.containers, [&](const std::string& name) {
        expect_ok(client, "POST", container_target(name, "/restart" + query));
        return name;
    });
}

int run_kill(const CliContext& ctx, const KillOptions& options) {
    const DaemonClient client = ctx.client();
    QueryString query;
    if (!options.signal.empty()) query.add("signal", options.signal);
    return for_each_container(ctx, options.containers, [&](const std::string& name) {
        expect_ok(client, "POST", container_target(name, "/kill" + query.str()));
        return name;
    });
}

int run_rm(const CliContext& ctx, const RmOptions& options) {
    const DaemonClient client = ctx.client();
    QueryString query;
    if (options.volumes) query.add("v", "1");
    if (options.link) query.add("link", "1");
    if (options.force) query.add("force", "1");
    std::string errors;
    for (const auto& name : options.containers) {
        const std::string clean = name.size() > 1 && name.front() == '/' ? name.substr(1) : name;
        try {
            expect_ok(client, "DELETE", container_target(clean, query.str()));
            *ctx.console.out << name << '\n';
            ctx.console.out->flush();
        } catch (const DaemonError& e) {
            // With -f a container that is already gone is reported but is
            // not a failure, as in docker.
            if (options.force && e.http_status() == 404) {
                *ctx.console.err << e.what() << '\n';
                continue;
            }
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

int run_pause(const CliContext& ctx, const ContainerListArgs& options) {
    const DaemonClient client = ctx.client();
    return for_each_container(ctx, options.containers, [&](const std::string& name) {
        expect_ok(client, "POST", container_target(name, "/pause"));
        return name;
    });
}

int run_unpause(const CliContext& ctx, const ContainerListArgs& options) {
    const DaemonClient client = ctx.client();
    return for_each_container(ctx, options.containers, [&](const std::string& name) {
        expect_ok(client, "POST", container_target(name, "/unpause"));
        return name;
    });
}

int run_wait(const CliContext& ctx, const ContainerListArgs& options) {
    return for_each_container(ctx, options.containers, [&](const std::string& name) {
        auto wait = open_wait(ctx, name, "");
        std::ostringstream error_text;
        const int status = read_wait_status(*wait, error_text);
        if (!error_text.str().empty()) throw CliError(error_text.str().substr(0, error_text.str().size() - 1));
        return std::to_string(status);
    });
}

int run_rename(const CliContext& ctx, const RenameOptions& options) {
    std::string old_name = options.container;
    if (old_name.empty() || options.new_name.empty())
        throw CliError("Error: Neither old nor new names may be empty");
    QueryString query;
    query.add("name", options.new_name);
    expect_ok(ctx.client(), "POST", container_target(old_name, "/rename" + query.str()));
    return exit_code::kOk;
}

namespace {

void add_start(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<StartOptions>();
    CLI::App* cmd = parent.add_subcommand("start", "Start one or more stopped containers");
    cmd->add_option("CONTAINER", o->containers, "Containers to start")->required();
    cmd->add_flag("-a,--attach", o->attach, "Attach STDOUT/STDERR and forward signals");
    cmd->add_flag("-i,--interactive", o->interactive, "Attach container's STDIN");
    cmd->add_option("--detach-keys", o->detach_keys, "Override the key sequence for detaching a container");
    on_selected(*cmd, ctx, [&ctx, o] { return run_start(ctx, *o); });
}

void add_stop(CLI::App& parent, CliContext& ctx, const std::string& name) {
    auto o = std::make_shared<StopOptions>();
    auto time = std::make_shared<int>(0);
    CLI::App* cmd = parent.add_subcommand(
        name, name == "stop" ? "Stop one or more running containers" : "Restart one or more containers");
    cmd->add_option("CONTAINER", o->containers, "Containers")->required();
    CLI::Option* t = cmd->add_option("-t,--time,--timeout", *time, "Seconds to wait before killing the container");
    cmd->add_option("-s,--signal", o->signal, "Signal to send to the container");
    on_selected(*cmd, ctx, [&ctx, o, time, t, name] {
        if (t->count() > 0) o->time = *time;
        return name == "stop" ? run_stop(ctx, *o) : run_restart(ctx, *o);
    });
}

void add_kill(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<KillOptions>();
    CLI::App* cmd = parent.add_subcommand("kill", "Kill one or more running containers");
    cmd->add_option("CONTAINER", o->containers, "Containers")->required();
    cmd->add_option("-s,--signal", o->signal, "Signal to send to the container");
    on_selected(*cmd, ctx, [&ctx, o] { return run_kill(ctx, *o); });
}

void add_rm(CLI::App& parent, CliContext& ctx, const std::string& name) {
    auto o = std::make_shared<RmOptions>();
    CLI::App* cmd = parent.add_subcommand(name, "Remove one or more containers");
    if (parent.get_parent() != nullptr) cmd->alias("remove");  // `container remove`, not top-level
    cmd->add_option("CONTAINER", o->containers, "Containers")->required();
    cmd->add_flag("-f,--force", o->force, "Force the removal of a running container (uses SIGKILL)");
    cmd->add_flag("-v,--volumes", o->volumes, "Remove anonymous volumes associated with the container");
    cmd->add_flag("-l,--link", o->link, "Remove the specified link");
    on_selected(*cmd, ctx, [&ctx, o] { return run_rm(ctx, *o); });
}

void add_simple(CLI::App& parent, CliContext& ctx, const std::string& name, const std::string& help,
                int (*run)(const CliContext&, const ContainerListArgs&)) {
    auto o = std::make_shared<ContainerListArgs>();
    CLI::App* cmd = parent.add_subcommand(name, help);
    cmd->add_option("CONTAINER", o->containers, "Containers")->required();
    on_selected(*cmd, ctx, [&ctx, o, run] { return run(ctx, *o); });
}

void add_rename(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<RenameOptions>();
    CLI::App* cmd = parent.add_subcommand("rename", "Rename a container");
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_option("NEW_NAME", o->new_name, "New name")->required();
    on_selected(*cmd, ctx, [&ctx, o] { return run_rename(ctx, *o); });
}

}  // namespace

void add_lifecycle_commands(CLI::App& parent, CliContext& ctx) {
    add_start(parent, ctx);
    add_stop(parent, ctx, "stop");
    add_stop(parent, ctx, "restart");
    add_kill(parent, ctx);
    // Under `container` it is `rm`; the top level has `rm` too (not rmi).
    add_rm(parent, ctx, "rm");
    add_simple(parent, ctx, "pause", "Pause all processes within one or more containers", run_pause);
    add_simple(parent, ctx, "unpause", "Unpause all processes within one or more containers", run_unpause);
    add_simple(parent, ctx, "wait", "Block until one or more containers stop, then print their exit codes", run_wait);
    add_rename(parent, ctx);
}

}  // namespace berth::cli
