// container_io.cpp — a container's stdio (attach, resize, stdin), its logs,
// and exec instances.
#include "containers/service/container_service.h"

#include "containers/service/container_events.h"
#include "containers/service/service_internal.h"
#include "containers/spec/spec_errors.h"
#include "containers/spec/user_resolution.h"
#include "containers/store/container_id.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace berth::containers {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

int dup_or_none(int fd) { return fd >= 0 ? ::dup(fd) : -1; }

void close_all(const ExecStdio &s) {
    for (int fd : {s.stdin_fd, s.stdout_fd, s.stderr_fd})
        if (fd >= 0) ::close(fd);
}

std::string env_key(const std::string &e) { return e.substr(0, e.find('=')); }

// The command in exec events' actions ("exec_start: sh -c ls"), as moby
// joins the exec's entrypoint and arguments.
std::string exec_command_line(const json &config) {
    std::string line;
    for (const auto &arg : config.value("Cmd", json::array())) {
        if (!line.empty()) line += ' ';
        line += arg.is_string() ? arg.get<std::string>() : arg.dump();
    }
    return line;
}

} // namespace

std::pair<std::string, bool> ContainerService::attach_target(const std::string &ref) {
    const Container c = resolve(ref);
    if (c.state.paused) throw Conflict("You cannot attach to a paused container, unpause it first");
    if (c.state.restarting) throw Conflict("You cannot attach to a restarting container, wait until it is running");
    return {c.id, value_or<bool>(parse_object(c.config_json), "Tty", false)};
}

std::pair<std::string, bool> ContainerService::id_and_tty(const std::string &ref) {
    const Container c = resolve(ref);
    return {c.id, value_or<bool>(parse_object(c.config_json), "Tty", false)};
}

void ContainerService::attach(const std::string &id, const AttachRequest &request) {
    auto l = live(id);
    AttachRequest copy = request;
    copy.fds.stdin_fd = dup_or_none(request.fds.stdin_fd);
    copy.fds.stdout_fd = dup_or_none(request.fds.stdout_fd);
    copy.fds.stderr_fd = dup_or_none(request.fds.stderr_fd);
    std::lock_guard op(l->op);
    if (auto c = store_->get(id)) publish_container_event(events_, *c, "attach");
    if (l->has_task) {
        try {
            exec_->attach(id, "", copy.fds);
        } catch (...) {
            close_all(copy.fds);
            throw;
        }
        close_all(copy.fds);
        return;
    }
    // Not started yet (docker run attaches first): connected by start.
    std::lock_guard lock(mu_);
    l->pending_attach.push_back(copy);
}

void ContainerService::resize(const std::string &ref, unsigned rows, unsigned cols) {
    const Container c = resolve(ref);
    if (!c.state.running) throw Conflict("Container " + c.id + " is not running");
    try {
        exec_->resize(c.id, "", rows, cols);
    } catch (const ExecError &e) {
        throw InternalError(std::string("resize: ") + e.what());
    }
    publish_container_event(events_, c, "resize", {{"height", std::to_string(rows)}, {"width", std::to_string(cols)}});
}

void ContainerService::close_stdin(const std::string &id) {
    try {
        exec_->close_stdin(id, "");
    } catch (const std::exception &e) {
        spdlog::debug("close stdin of {}: {}", id.substr(0, 12), e.what());
    }
}

std::string ContainerService::log_driver_of(const std::string &ref) {
    const Container c = resolve(ref);
    const json hc = parse_object(c.host_config_json);
    return value_or<std::string>(hc.value("LogConfig", json::object()), "Type", cfg_.default_log_driver);
}

void ContainerService::logs(const std::string &ref, const LogOptions &o, int out_fd,
                            std::shared_ptr<std::atomic<bool>> cancelled) {
    const Container c = resolve(ref);
    const json opts = json::parse(shim_options(c));
    const std::string driver = log_driver_of(c.id);
    if (driver == "none" || !opts["log"].is_object())
        throw InvalidArgument("configured logging driver does not support reading");
    const json info = opts["log"]["info"];
    const bool follow = o.follow && (c.state.running || c.state.restarting);
    const json read_opts = {{"v", 1},          {"tail", o.tail},   {"since", o.since_ns},
                            {"until", o.until_ns}, {"follow", follow}, {"details", o.details}};
    std::atomic<bool> done{false};
    std::thread stopper;
    if (follow) {
        // `logs -f` ends when the container stops (a restart policy keeps it).
        auto ticket = wait_begin(c.id, "next-exit");
        stopper = std::thread([this, ticket, cancelled, &done] {
            auto r = wait_end(ticket, [&] { return done.load() || cancelled->load(); });
            (void)r;
            for (int i = 0; i < 5 && !done.load(); ++i) std::this_thread::sleep_for(100ms); // let the last lines land
            cancelled->store(true);
        });
    }
    try {
        logs_->read(driver, info.dump(), read_opts.dump(), out_fd, cancelled);
    } catch (...) {
        done = true;
        if (stopper.joinable()) stopper.join();
        throw;
    }
    done = true;
    if (stopper.joinable()) stopper.join();
}

std::string ContainerService::exec_create(const std::string &ref, const std::string &body) {
    const Container c = resolve(ref);
    json j = json::parse(body.empty() ? "{}" : body, nullptr, false);
    if (!j.is_object()) throw InvalidArgument("invalid JSON: the exec body must be a JSON object");
    if (!c.state.running || c.state.restarting) {
        if (c.state.restarting)
            throw Conflict("Container " + c.id + " is restarting, wait until the container is running");
        throw Conflict("Container " + c.id + " is not running");
    }
    if (c.state.paused) throw Conflict("Container " + ref + " is paused, unpause the container before exec");
    if (!j.contains("Cmd") || !j["Cmd"].is_array() || j["Cmd"].empty())
        throw InvalidArgument("No exec command specified");
    auto e = std::make_shared<ExecInstance>();
    e->id = generate_container_id();
    e->container_id = c.id;
    e->config = j;
    {
        std::lock_guard lock(mu_);
        execs_[e->id] = e;
    }
    publish_container_event(events_, c, "exec_create: " + exec_command_line(j), {{"execID", e->id}});
    return e->id;
}

ContainerService::ExecStartInfo ContainerService::exec_info(const std::string &exec_id) {
    std::lock_guard lock(mu_);
    auto it = execs_.find(exec_id);
    if (it == execs_.end()) throw NotFound("No such exec instance: " + exec_id);
    const auto &cfg = it->second->config;
    return {it->second->container_id, value_or<bool>(cfg, "Tty", false), value_or<bool>(cfg, "AttachStdin", false),
            value_or<bool>(cfg, "AttachStdout", false), value_or<bool>(cfg, "AttachStderr", false)};
}

void ContainerService::exec_start(const std::string &exec_id, const ExecStdio &fds) {
    std::shared_ptr<ExecInstance> e;
    {
        std::lock_guard lock(mu_);
        auto it = execs_.find(exec_id);
        if (it == execs_.end()) throw NotFound("No such exec instance: " + exec_id);
        e = it->second;
        if (e->started) throw Conflict("Error: Exec command " + exec_id + " is already running");
        e->started = true;
    }
    const Container c = store_->resolve(e->container_id);
    if (!c.state.running) throw Conflict("Container " + c.id + " is not running");
    if (c.state.paused) throw Conflict("Container " + c.id + " is paused, unpause the container before exec");
    auto l = live(c.id);
    std::string rootfs;
    {
        std::lock_guard lock(mu_);
        rootfs = l->rootfs;
    }
    // The container's own process settings, changed where exec says so.
    std::ifstream in(fs::path(bundle_dir(c.id)) / "config.json");
    json spec = json::parse(in, nullptr, false);
    if (!spec.is_object() || !spec.contains("process")) throw InternalError("container " + c.id + " has no bundle");
    json process = spec["process"];
    const json &cfg = e->config;
    process["args"] = cfg["Cmd"];
    process["terminal"] = value_or<bool>(cfg, "Tty", false);
    process.erase("consoleSize");
    if (cfg.contains("ConsoleSize") && cfg["ConsoleSize"].is_array() && cfg["ConsoleSize"].size() == 2)
        process["consoleSize"] = {{"height", cfg["ConsoleSize"][0]}, {"width", cfg["ConsoleSize"][1]}};
    std::vector<std::string> env = value_or<std::vector<std::string>>(process, "env", {});
    for (const auto &x : value_or<std::vector<std::string>>(cfg, "Env", {})) {
        bool replaced = false;
        for (auto &y : env)
            if (env_key(y) == env_key(x)) {
                y = x;
                replaced = true;
            }
        if (!replaced) env.push_back(x);
    }
    process["env"] = env;
    if (auto wd = value_or<std::string>(cfg, "WorkingDir", ""); !wd.empty()) process["cwd"] = wd;
    if (auto user = value_or<std::string>(cfg, "User", ""); !user.empty()) {
        try {
            const auto u = spec::resolve_user(rootfs, user);
            process["user"] = {{"uid", u.uid}, {"gid", u.gid}, {"additionalGids", u.additional_gids}};
        } catch (const spec::SpecError &err) {
            std::lock_guard lock(mu_);
            e->started = false;
            throw InvalidArgument(err.what());
        }
    }
    if (value_or<bool>(cfg, "Privileged", false)) {
        // Every capability the kernel has, as for --privileged.
        json caps = json::array();
        for (const auto &x : spec["process"]["capabilities"]["bounding"]) caps.push_back(x);
        static const char *all[] = {"CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE",
                                    "CAP_SYS_RAWIO", "CAP_SYS_TIME", "CAP_IPC_LOCK", "CAP_SYS_RESOURCE",
                                    "CAP_SYS_NICE", "CAP_SYS_BOOT", "CAP_LINUX_IMMUTABLE", "CAP_DAC_READ_SEARCH",
                                    "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_MAC_ADMIN",
                                    "CAP_MAC_OVERRIDE", "CAP_NET_BROADCAST", "CAP_IPC_OWNER", "CAP_SYS_PACCT",
                                    "CAP_SYS_TTY_CONFIG", "CAP_LEASE", "CAP_AUDIT_CONTROL", "CAP_AUDIT_READ"};
        for (const char *x : all)
            if (std::find(caps.begin(), caps.end(), x) == caps.end()) caps.push_back(x);
        process["capabilities"] = {{"bounding", caps}, {"effective", caps}, {"permitted", caps}};
        process.erase("apparmorProfile");
    }
    int pid;
    try {
        pid = exec_->exec(c.id, exec_id, process.dump(), fds);
    } catch (const ExecError &err) {
        {
            std::lock_guard lock(mu_);
            e->finished = true;
            e->exit_code = 126;
        }
        std::string msg = err.what();
        if (msg.find("executable file not found") != std::string::npos ||
            msg.find("no such file or directory") != std::string::npos) {
            std::lock_guard lock(mu_);
            e->exit_code = 127;
        }
        changed_.notify_all();
        throw InternalError("OCI runtime exec failed: " + msg);
    }
    {
        std::lock_guard lock(mu_);
        if (!e->finished) e->running = true;
        e->pid = pid;
    }
    publish_container_event(events_, c, "exec_start: " + exec_command_line(cfg), {{"execID", exec_id}});
}

void ContainerService::exec_wait(const std::string &exec_id, const std::function<bool()> &cancelled) {
    std::unique_lock lock(mu_);
    auto it = execs_.find(exec_id);
    if (it == execs_.end()) return;
    auto e = it->second;
    while (!e->finished && !stopping_) {
        changed_.wait_for(lock, 500ms);
        if (cancelled && cancelled()) return;
        auto c = store_->get(e->container_id);
        if (!c || !c->state.running) {
            // The container stopped: its execs are gone with it.
            if (!e->finished) {
                e->finished = true;
                e->running = false;
                if (e->exit_code == 0) e->exit_code = 137;
            }
        }
    }
}

void ContainerService::exec_output_ended(const std::string &exec_id) {
    std::lock_guard lock(mu_);
    if (auto it = execs_.find(exec_id); it != execs_.end()) it->second->output_ended = true;
}

std::string ContainerService::exec_inspect_json(const std::string &exec_id) {
    std::unique_lock lock(mu_);
    auto it = execs_.find(exec_id);
    if (it == execs_.end()) throw NotFound("No such exec instance: " + exec_id);
    {
        auto e = it->second;
        changed_.wait_for(lock, 5s, [&] { return e->finished || !e->output_ended || stopping_; });
        it = execs_.find(exec_id);
        if (it == execs_.end()) throw NotFound("No such exec instance: " + exec_id);
    }
    const auto &e = *it->second;
    const auto &cfg = e.config;
    const auto cmd = value_or<std::vector<std::string>>(cfg, "Cmd", {});
    json args = json::array();
    for (size_t i = 1; i < cmd.size(); ++i) args.push_back(cmd[i]);
    json out = {{"ID", e.id},
                {"Running", e.running},
                {"ExitCode", e.finished ? json(e.exit_code) : json(nullptr)},
                {"ProcessConfig",
                 {{"tty", value_or<bool>(cfg, "Tty", false)},
                  {"entrypoint", cmd.empty() ? "" : cmd[0]},
                  {"arguments", args},
                  {"privileged", value_or<bool>(cfg, "Privileged", false)},
                  {"user", value_or<std::string>(cfg, "User", "")}}},
                {"OpenStdin", value_or<bool>(cfg, "AttachStdin", false)},
                {"OpenStderr", value_or<bool>(cfg, "AttachStderr", false)},
                {"OpenStdout", value_or<bool>(cfg, "AttachStdout", false)},
                {"CanRemove", e.can_remove},
                {"ContainerID", e.container_id},
                {"DetachKeys", value_or<std::string>(cfg, "DetachKeys", "")},
                {"Pid", e.pid}};
    return out.dump();
}

void ContainerService::exec_resize(const std::string &exec_id, unsigned rows, unsigned cols) {
    std::string container;
    {
        std::lock_guard lock(mu_);
        auto it = execs_.find(exec_id);
        if (it == execs_.end()) throw NotFound("No such exec instance: " + exec_id);
        container = it->second->container_id;
    }
    try {
        exec_->resize(container, exec_id, rows, cols);
    } catch (const ExecError &e) {
        throw InternalError(std::string("resize: ") + e.what());
    }
}

} // namespace berth::containers
