// container_runtime.cpp — start, stop, kill, pause, exits, restart policies,
// waits and live restore.
#include "containers/service/container_service.h"

#include "containers/service/container_events.h"
#include "containers/service/service_internal.h"
#include "containers/service/shared_init_layers.h"
#include "containers/service/signals.h"
#include "containers/spec/build_spec.h"
#include "containers/spec/spec_errors.h"
#include "images/layer_driver.h"
#include "util/atomic_file.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

namespace berth::containers {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The exec driver's options of a bundle's container, next to its config.json.
constexpr const char *kShimOptionsFile = "shim-options.json";

std::string find_in_path(const std::string &name) {
    for (const char *dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
        const std::string p = std::string(dir) + "/" + name;
        if (::access(p.c_str(), X_OK) == 0) return p;
    }
    return name;
}

std::string tini_path() {
    for (const char *p : {"/usr/bin/tini-static", "/usr/bin/docker-init", "/usr/bin/tini"})
        if (::access(p, X_OK) == 0) return p;
    return "/usr/bin/tini-static";
}

// The exit code dockerd reports when a start fails, and the status the API
// answers with: the CLI turns "not found" into 127 and "permission" into 126.
std::pair<int, bool> start_failure(const std::string &msg) {
    if (msg.find("executable file not found") != std::string::npos ||
        msg.find("no such file or directory") != std::string::npos)
        return {127, true};
    if (msg.find("permission denied") != std::string::npos) return {126, true};
    return {128, false};
}

} // namespace

std::string ContainerService::build_spec_for(const Container &c, const std::string &rootfs,
                                             const std::vector<std::string> &binds) const {
    spec::SpecInput in;
    if (images_) {
        if (auto img = images_->images().find(c.image)) in.image = img->config;
    }
    json body = parse_object(c.config_json);
    json hc = parse_object(c.host_config_json);
    hc["Binds"] = binds;
    hc.erase("Mounts");
    const PlannedMounts plan = plan_mounts(json{{"Tmpfs", hc.value("Tmpfs", json::object())},
                                                {"Mounts", parse_object(c.host_config_json).value("Mounts", json::array())}}
                                               .dump(),
                                           {});
    hc["Tmpfs"] = plan.tmpfs;
    if (!hc.contains("Init") || hc["Init"].is_null()) hc["Init"] = cfg_.init_default;
    body["HostConfig"] = hc;
    in.create_body = body.dump();
    in.host.rootfs_path = rootfs;
    in.host.container_id = c.id;
    in.host.hosts_path = c.hosts_path;
    in.host.resolv_conf_path = c.resolv_conf_path;
    in.host.hostname_path = c.hostname_path;
    if (!cfg_.cgroup_parent.empty()) in.host.cgroup_parent = cfg_.cgroup_parent;
    in.host.cgroup_v2 = fs::exists("/sys/fs/cgroup/cgroup.controllers");
    if (cfg_.rlimit_nofile_max) {
        in.host.rlimit_nofile_max = cfg_.rlimit_nofile_max;
    } else {
        rlimit rl{};
        if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY) in.host.rlimit_nofile_max = rl.rlim_max;
    }
    in.host.init_path = cfg_.init_path.empty() ? tini_path() : cfg_.init_path;
    in.host.id_map = cfg_.id_map;
    if (const std::string mode = value_or<std::string>(hc, "NetworkMode", ""); mode.rfind("container:", 0) == 0) {
        // dockerd: the other container's namespace, and its hostname, hosts
        // and resolv.conf.
        const Container other = store_->resolve(mode.substr(10));
        if (!other.state.running || other.state.restarting || other.state.pid <= 0)
            throw Conflict("cannot join network namespace of a non running container: " + other.id);
        in.host.network_namespace_path = "/proc/" + std::to_string(other.state.pid) + "/ns/net";
        in.host.hosts_path = other.hosts_path;
        in.host.resolv_conf_path = other.resolv_conf_path;
        in.host.hostname_path = other.hostname_path;
    }
    if (value_or<std::string>(hc, "NetworkMode", "") == "host" && !body.contains("Hostname")) {
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        in.host.hostname = host;
    }
    return spec::build_spec(in);
}

std::string ContainerService::shim_options(const Container &c) const {
    const json cfg = parse_object(c.config_json);
    const json hc = parse_object(c.host_config_json);
    const std::string runtime = value_or<std::string>(hc, "Runtime", cfg_.default_runtime);
    json o = {{"v", 1}, {"runtime", runtime}, {"container_dir", bundle_dir(c.id)}};
    json runtime_args = json::array();
    std::string path = find_in_path(runtime);
    if (auto it = cfg_.runtimes.find(runtime); it != cfg_.runtimes.end()) {
        const json r = parse_object(it->second);
        path = value_or<std::string>(r, "path", path);
        if (r.contains("runtimeArgs")) runtime_args = r["runtimeArgs"];
    }
    o["runtime_path"] = path;
    o["runtime_args"] = runtime_args;
    const bool tty = value_or<bool>(cfg, "Tty", false);
    o["terminal"] = tty;
    if (hc.contains("ConsoleSize") && hc["ConsoleSize"].is_array() && hc["ConsoleSize"].size() == 2) {
        o["rows"] = hc["ConsoleSize"][0];
        o["cols"] = hc["ConsoleSize"][1];
    }
    o["open_stdin"] = value_or<bool>(cfg, "OpenStdin", false);
    o["stdin_once"] = value_or<bool>(cfg, "StdinOnce", false);
    const json lc = hc.value("LogConfig", json::object());
    const std::string driver = value_or<std::string>(lc, "Type", cfg_.default_log_driver);
    if (driver == "none" || driver.empty()) {
        o["log"] = nullptr;
    } else {
        json info = {{"v", 1},
                     {"id", c.id},
                     {"name", c.name},
                     {"image_id", c.image},
                     {"image_name", c.image_name},
                     {"labels", cfg.value("Labels", json::object())},
                     {"env", cfg.value("Env", json::array())},
                     {"config", lc.value("Config", json::object())},
                     {"log_path", c.log_path},
                     {"created", format_time(c.created)}};
        if (info["labels"].is_null()) info["labels"] = json::object();
        o["log"] = {{"driver", driver}, {"library", logs_->library_path(driver)}, {"info", info}};
    }
    return o.dump();
}

void ContainerService::set_manual_stop(const std::string &id, bool on) {
    const auto marker = store_->container_dir(id) / "manually-stopped";
    std::error_code ec;
    if (on) util::write_file_atomic(marker, "1\n", 0600);
    else fs::remove(marker, ec);
}

bool ContainerService::manual_stop_marked(const std::string &id) const {
    std::error_code ec;
    return fs::exists(store_->container_dir(id) / "manually-stopped", ec);
}

void ContainerService::start(const std::string &ref) {
    Container c = resolve(ref);
    auto l = live(c.id);
    std::lock_guard op(l->op);
    c = store_->resolve(c.id);
    if (c.state.running && !c.state.restarting) throw AlreadyInState("Container already started");
    {
        std::lock_guard lock(mu_);
        l->manual_stop = false;
        l->restart_pending = false;
        l->policy_restarts = 0; // moby resets its restart manager on a manual start
    }
    set_manual_stop(c.id, false);
    c.restart_count = 0; // moby's ResetRestartManager(true)
    start_locked(c, *l);
}

namespace {
void close_attach_fds(std::vector<AttachRequest> &pending) {
    for (auto &a : pending)
        for (int fd : {a.fds.stdin_fd, a.fds.stdout_fd, a.fds.stderr_fd})
            if (fd >= 0) ::close(fd);
    pending.clear();
}
} // namespace

void ContainerService::start_locked(Container &c, Live &l) {
    if (c.state.paused) throw Conflict("cannot start a paused container, try unpause instead");
    if (c.state.removal_in_progress || c.state.dead)
        throw Conflict("container is marked for removal and cannot be started");
    if (!images_) throw InternalError("no storage driver is running");
    auto &driver = images_->layers().driver();
    try {
        l.rootfs = driver.get(c.rw_layer);
        l.has_task = false;
        std::map<std::string, std::string> volume_paths;
        for (auto &m : c.mount_points) {
            if (m.type != "volume") continue;
            if (!volumes_.acquire) throw InternalError("volumes are not available in this daemon");
            volume_paths[m.name] = volumes_.acquire(m.name, c.id);
            l.acquired_volumes.push_back(m.name);
            publish_volume_use(events_, c, m.name, true);
            m.source = volume_paths[m.name];
        }
        const auto binds =
            binds_for_spec(c.mount_points, [&](const MountPoint &m) { return volume_paths.at(m.name); });
        std::string spec_text;
        try {
            spec_text = build_spec_for(c, l.rootfs, binds);
        } catch (const spec::SpecError &e) {
            if (e.kind() == spec::SpecErrorKind::NotFound) throw NotFound(e.what());
            throw InvalidArgument(e.what());
        }
        const auto bundle = bundle_dir(c.id);
        std::error_code ec;
        fs::remove_all(bundle, ec); // a crash's leftovers
        fs::create_directories(bundle);
        if (!util::write_file_atomic(fs::path(bundle) / "config.json", spec_text, 0600,
                                     util::Durability::ProcessCrash)) // the exec root is tmpfs
            throw InternalError("writing the OCI bundle of " + c.id + ": " + std::strerror(errno));
        const json cfg = parse_object(c.config_json);
        ExecStdio stdio;
        stdio.terminal = value_or<bool>(cfg, "Tty", false);
        std::vector<AttachRequest> pending;
        {
            std::lock_guard lock(mu_);
            pending.swap(l.pending_attach);
        }
        // Nothing has to happen between the runtime's create and start unless
        // more than one client waits to attach: then one call creates and
        // starts (the runtime's `run --detach`), and the single waiting
        // attach rides on the create as the shim's first client, so it sees
        // the very first output all the same.
        // Networks join between the runtime's create and start (dockerd's
        // order: the task's own network namespace gets the endpoints).
        const bool networked = joins_networks(c);
        const bool one_call = pending.size() <= 1 && !networked;
        std::string options = shim_options(c);
        // Kept beside the bundle for the start-up sweep: an orphaned bundle
        // (no record left) is deleted with the runtime it was started with.
        if (!util::write_file_atomic(fs::path(bundle) / kShimOptionsFile, options, 0600, util::Durability::ProcessCrash))
            throw InternalError("writing the shim options of " + c.id + ": " + std::strerror(errno));
        if (one_call) {
            json o = json::parse(options);
            o["start"] = true;
            options = o.dump();
            if (!pending.empty()) {
                const auto &fds = pending.front().fds;
                stdio.stdin_fd = fds.stdin_fd;
                stdio.stdout_fd = fds.stdout_fd;
                stdio.stderr_fd = fds.stderr_fd;
            }
        }
        int pid = 0;
        try {
            pid = exec_->create(c.id, bundle, options, stdio);
        } catch (...) {
            close_attach_fds(pending);
            throw;
        }
        l.has_task = true;
        if (networked) {
            try {
                attach_networks(c, pid);
            } catch (...) {
                close_attach_fds(pending);
                throw;
            }
        }
        if (!one_call)
            for (auto &a : pending) {
                try {
                    exec_->attach(c.id, "", a.fds);
                } catch (const std::exception &e) {
                    spdlog::warn("attach {}: {}", c.id.substr(0, 12), e.what());
                }
            }
        close_attach_fds(pending); // the shim holds its own copies
        // After a one-call create the shim's start is a no-op: skip its
        // round trip.
        if (!one_call) exec_->start(c.id);
        c.set_running(pid);
        if (c.state.health || cfg.contains("Healthcheck")) {
            const json hcheck = cfg.value("Healthcheck", json::object());
            const auto test = hcheck.value("Test", json::array());
            if (test.is_array() && !test.empty() && test[0] != "NONE") c.state.health = HealthState{"starting", 0};
            else c.state.health.reset();
        }
        store_->save(c);
        {
            std::lock_guard lock(mu_);
            l.started_mono = std::chrono::steady_clock::now();
            ++l.start_seq;
        }
        changed_.notify_all();
        if (c.state.health) {
            const uint64_t seq = l.start_seq;
            const std::string id = c.id;
            // The previous checker sees the new start_seq and returns, but it
            // may be waiting for this container's lock, which we hold: it is
            // joined later, never here.
            std::lock_guard lock(mu_);
            auto &slot = health_threads_[id];
            if (slot.joinable()) retired_threads_.push_back(std::move(slot));
            slot = std::thread([this, id, seq] { run_health_checks(id, seq); });
        }
        spdlog::info("container {} started (pid {})", c.id.substr(0, 12), pid);
        publish_container_event(events_, c, "start");
    } catch (const std::exception &e) {
        std::string msg = e.what();
        const bool from_runtime = dynamic_cast<const ExecError *>(&e) != nullptr;
        cleanup_runtime(c, l);
        if (from_runtime) msg = "failed to create task for container: " + msg;
        const auto [code, user_error] = start_failure(msg);
        c.set_start_error(msg, code);
        c.state.finished_at = Clock::now();
        store_->save(c);
        {
            std::lock_guard lock(mu_);
            l.last_exit_code = code;
            ++l.exit_seq;
        }
        changed_.notify_all();
        // dockerd removes an AutoRemove container whose start failed.
        if (value_or<bool>(parse_object(c.host_config_json), "AutoRemove", false)) {
            const std::string id = c.id;
            post([this, id] {
                try {
                    remove(id, true, true);
                } catch (...) {}
            });
        }
        if (from_runtime) {
            if (user_error) throw InvalidArgument(msg);
            throw InternalError(msg);
        }
        throw;
    }
}

// Undo what start did: the shim and runtime state, the volumes, the rootfs mount.
// With `task_deletion`, the runtime's delete (a whole runtime process, the
// slowest part) runs on that thread while the rest goes on, and the caller
// joins it; the bundle directory, which the shim lives in, is then left for
// the caller to remove after the join. With `rootfs_unmount`, the rootfs's
// put (an overlay unmount syncs its upper file system) runs on that thread,
// and the caller joins it before anything that needs the layer unmounted.
void ContainerService::cleanup_runtime(Container &c, Live &l, std::thread *task_deletion,
                                       std::thread *rootfs_unmount) {
    detach_networks(c.id);
    if (l.has_task) {
        auto remove_task = [this, id = c.id] {
            try {
                exec_->remove(id);
            } catch (const std::exception &e) {
                spdlog::debug("delete task {}: {}", id.substr(0, 12), e.what());
            }
        };
        if (task_deletion) *task_deletion = std::thread(remove_task);
        else remove_task();
        l.has_task = false;
    }
    for (const auto &v : l.acquired_volumes) {
        try {
            volumes_.release(v, c.id);
            publish_volume_use(events_, c, v, false);
        } catch (const std::exception &e) {
            spdlog::warn("release volume {}: {}", v, e.what());
        }
    }
    l.acquired_volumes.clear();
    if (!l.rootfs.empty() && images_) {
        auto put_rootfs = [this, layer = c.rw_layer, id = c.id] {
            try {
                images_->layers().driver().put(layer);
            } catch (const std::exception &e) {
                spdlog::warn("unmount {}: {}", id.substr(0, 12), e.what());
            }
        };
        if (rootfs_unmount) *rootfs_unmount = std::thread(put_rootfs);
        else put_rootfs();
        l.rootfs.clear();
    }
    if (task_deletion && task_deletion->joinable()) return;
    std::error_code ec;
    fs::remove_all(bundle_dir(c.id), ec);
}

void ContainerService::on_driver_event(const std::string &kind, const std::string &text) {
    if (kind != "exit") return;
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return;
    const std::string id = value_or<std::string>(j, "id", "");
    const std::string exec_id = value_or<std::string>(j, "exec_id", "");
    const int code = value_or<int>(j, "exit_code", 0);
    if (!exec_id.empty()) {
        std::string container_id;
        {
            std::lock_guard lock(mu_);
            if (auto it = execs_.find(exec_id); it != execs_.end()) {
                it->second->running = false;
                it->second->finished = true;
                it->second->exit_code = code;
                it->second->pid = 0;
                container_id = it->second->container_id;
            }
        }
        if (auto c = container_id.empty() ? std::nullopt : store_->get(container_id))
            publish_container_event(events_, *c, "exec_die", {{"execID", exec_id}, {"exitCode", std::to_string(code)}});
        changed_.notify_all();
        return;
    }
    const bool oom = value_or<bool>(j, "oom_killed", false);
    const std::string at = value_or<std::string>(j, "exited_at", "");
    post([this, id, code, oom, at] { handle_exit(id, code, oom, at); });
}

void ContainerService::handle_exit(const std::string &id, int exit_code, bool oom_killed, const std::string &exited_at) {
    auto found = store_->get(id);
    if (!found) return;
    auto l = live(id);
    std::unique_lock op(l->op);
    Container c = store_->resolve(id);
    if (!c.state.running || c.state.restarting) return; // already handled (restore, a failed start)
    // The runtime's delete overlaps the rest; waiters on the exit are told
    // before it is joined (below), while this container's lock is still held.
    std::thread task_deletion;
    // The rootfs unmount overlaps the record's save (both wait for the
    // disk); it is joined right after the save, before the exit is told and
    // before a removal or a restart needs the layer unmounted. A crash in
    // between finds a stopped container whose rootfs is still mounted,
    // which restore unmounts.
    std::thread rootfs_unmount;
    // Joined on every way out: a joinable std::thread destroyed by an
    // exception (a failed save) would end the daemon.
    struct JoinOnExit {
        std::thread &t;
        ~JoinOnExit() {
            if (t.joinable()) t.join();
        }
    } join_on_exit{task_deletion}, join_unmount_on_exit{rootfs_unmount};
    cleanup_runtime(c, *l, &task_deletion, &rootfs_unmount);
    const auto finish_task_deletion = [&] {
        if (!task_deletion.joinable()) return;
        task_deletion.join();
        std::error_code ec;
        fs::remove_all(bundle_dir(id), ec);
    };
    const json hc = parse_object(c.host_config_json);
    const RestartPolicy policy = parse_restart_policy(c.host_config_json);
    bool manual;
    int policy_restarts;
    std::chrono::milliseconds ran;
    {
        std::lock_guard lock(mu_);
        manual = l->manual_stop;
        policy_restarts = l->policy_restarts;
        ran = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                    l->started_mono);
    }
    const bool auto_remove = value_or<bool>(hc, "AutoRemove", false);
    const bool restart = !auto_remove && !manual && should_restart(policy, exit_code, manual, policy_restarts);
    TimePoint when = exited_at.empty() ? Clock::now() : parse_time(exited_at);
    if (when == TimePoint{}) when = Clock::now();
    if (restart) {
        c.set_restarting(exit_code, when);
        c.state.oom_killed = oom_killed;
    } else {
        c.set_stopped(exit_code, when, "", oom_killed);
    }
    if (c.state.health) c.state.health.reset();
    // An auto-remove container is marked for removal in the same save as
    // its exit (one fsync'd record write less on `run --rm`'s path): a
    // crash after it finds removal_in_progress and finishes the removal at
    // restore, as it would after a second save.
    bool removal_begun = false;
    if (auto_remove) {
        try {
            c.begin_removal(true);
            removal_begun = true;
        } catch (const std::exception &e) {
            spdlog::warn("auto-remove {}: {}", id.substr(0, 12), e.what());
        }
    }
    store_->save(c);
    if (rootfs_unmount.joinable()) rootfs_unmount.join();
    std::chrono::milliseconds delay{0};
    {
        std::lock_guard lock(mu_);
        l->last_exit_code = exit_code;
        ++l->exit_seq;
        if (restart) {
            l->backoff = next_backoff(l->backoff, ran);
            delay = l->backoff;
            l->restart_pending = true;
            ++l->policy_restarts;
        }
    }
    // Published before waiters are told: `docker run` on API < 1.30 waits
    // for "die" on /events, and the stop that caused it must follow it.
    if (oom_killed) publish_container_event(events_, c, "oom");
    publish_container_event(events_, c, "die",
                            {{"exitCode", std::to_string(exit_code)},
                             {"execDuration", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ran).count())}});
    changed_.notify_all();
    spdlog::info("container {} exited with {}{}", id.substr(0, 12), exit_code, oom_killed ? " (OOM killed)" : "");
    if (restart) {
        finish_task_deletion();
        schedule_restart(id, delay);
    } else if (removal_begun) {
        // The record goes (and `run --rm`, waiting for "removed", is told)
        // before the runtime's delete is joined: the shim started that
        // delete at the exit by itself and finishes it whatever berthd
        // does, and the client need not wait for a process start of the
        // runtime. The bundle, where the runtime logs, goes after the join
        // (finish_task_deletion); a crash before it leaves the bundle and
        // an idle shim, which the next start sweeps (sweep_orphan_bundles).
        try {
            remove_locked(c, *l, true, {}, /*keep_bundle=*/task_deletion.joinable());
        } catch (const std::exception &e) {
            spdlog::warn("auto-remove {}: {}", id.substr(0, 12), e.what());
        }
    }
    finish_task_deletion();
}

void ContainerService::schedule_restart(const std::string &id, std::chrono::milliseconds delay) {
    post(
        [this, id] {
            auto found = store_->get(id);
            if (!found) return;
            auto l = live(id);
            std::lock_guard op(l->op);
            {
                std::lock_guard lock(mu_);
                if (!l->restart_pending || l->manual_stop) return;
                l->restart_pending = false;
            }
            Container c = store_->resolve(id);
            if (!c.state.restarting) return; // set_restarting counted this restart
            try {
                start_locked(c, *l);
            } catch (const std::exception &e) {
                spdlog::warn("restart of {} failed: {}", id.substr(0, 12), e.what());
            }
        },
        delay);
}

bool ContainerService::wait_for_exit(const std::string &id, uint64_t seq, std::chrono::milliseconds timeout) {
    auto l = live(id);
    std::unique_lock lock(mu_);
    const auto pred = [&] { return l->exit_seq > seq || l->removed || stopping_; };
    if (timeout.count() < 0) {
        changed_.wait(lock, pred);
        return true;
    }
    return changed_.wait_for(lock, timeout, pred);
}

void ContainerService::stop(const std::string &ref, std::optional<int> timeout, const std::string &signal) {
    Container c = resolve(ref);
    auto l = live(c.id);
    const json cfg = parse_object(c.config_json);
    if (c.state.restarting) {
        // A pending restart is cancelled: the container stays exited.
        {
            std::lock_guard op(l->op);
            c = store_->resolve(c.id);
            std::lock_guard lock(mu_);
            l->manual_stop = true;
            l->restart_pending = false;
        }
        set_manual_stop(c.id, true);
        c.state.restarting = false;
        c.state.running = false;
        store_->save(c);
        changed_.notify_all();
        return;
    }
    if (!c.state.running) throw AlreadyInState("Container " + ref + " is already stopped");
    int sig = SIGTERM;
    if (!signal.empty()) sig = parse_signal(signal);
    else if (auto s = value_or<std::string>(cfg, "StopSignal", ""); !s.empty()) sig = parse_signal(s);
    int secs = timeout ? *timeout : value_or<int>(cfg, "StopTimeout", 10);
    uint64_t seq;
    {
        std::lock_guard lock(mu_);
        seq = l->exit_seq;
        l->manual_stop = true;
    }
    set_manual_stop(c.id, true);
    if (c.state.paused) {
        try {
            exec_->resume(c.id);
            c.set_unpaused();
            store_->save(c);
        } catch (...) {}
    }
    try {
        exec_->kill(c.id, "", sig, false);
        publish_container_event(events_, c, "kill", {{"signal", std::to_string(sig)}});
    } catch (const ExecError &e) {
        spdlog::debug("stop {}: {}", c.id.substr(0, 12), e.what());
    }
    if (wait_for_exit(c.id, seq, secs < 0 ? std::chrono::milliseconds(-1) : std::chrono::milliseconds(secs * 1000LL))) {
        publish_container_event(events_, c, "stop");
        return;
    }
    spdlog::info("container {} did not exit within {} s of signal {}: killing it", c.id.substr(0, 12), secs, sig);
    try {
        exec_->kill(c.id, "", SIGKILL, true);
        publish_container_event(events_, c, "kill", {{"signal", std::to_string(SIGKILL)}});
    } catch (const ExecError &e) {
        spdlog::debug("stop {}: kill: {}", c.id.substr(0, 12), e.what());
    }
    if (!wait_for_exit(c.id, seq, 30s))
        throw InternalError("cannot stop container: " + c.id + ": tried to kill container, but did not receive an exit event");
    publish_container_event(events_, c, "stop");
}

void ContainerService::kill(const std::string &ref, const std::string &signal) {
    Container c = resolve(ref);
    const int sig = signal.empty() ? SIGKILL : parse_signal(signal);
    if (!c.state.running || c.state.restarting) throw Conflict("Container " + c.id + " is not running");
    if (c.state.paused && sig != SIGKILL) throw Conflict("Container " + c.id + " is paused. Unpause the container before stopping or killing");
    auto l = live(c.id);
    {
        std::lock_guard lock(mu_);
        l->manual_stop = true;
    }
    set_manual_stop(c.id, true);
    if (c.state.paused) {
        try {
            exec_->resume(c.id);
        } catch (...) {}
    }
    uint64_t seq;
    {
        std::lock_guard lock(mu_);
        seq = l->exit_seq;
    }
    try {
        exec_->kill(c.id, "", sig, sig == SIGKILL);
    } catch (const ExecError &e) {
        throw InternalError("Cannot kill container: " + c.id + ": " + e.what());
    }
    publish_container_event(events_, c, "kill", {{"signal", std::to_string(sig)}});
    // dockerd's Kill waits for a SIGKILLed container to be gone, so a
    // following `docker rm` finds it stopped.
    if (sig == SIGKILL) (void)wait_for_exit(c.id, seq, 10s);
}

void ContainerService::restart(const std::string &ref, std::optional<int> timeout, const std::string &signal) {
    Container c = resolve(ref);
    try {
        stop(c.id, timeout, signal);
    } catch (const AlreadyInState &) {
    }
    start(c.id);
    publish_container_event(events_, c, "restart");
}

void ContainerService::pause(const std::string &ref) {
    Container c = resolve(ref);
    auto l = live(c.id);
    std::lock_guard op(l->op);
    c = store_->resolve(c.id);
    if (!c.state.running) throw Conflict("Container " + c.id + " is not running");
    if (c.state.paused) throw Conflict("Container " + c.id + " is already paused");
    if (c.state.restarting) throw Conflict("Container " + c.id + " is restarting, wait until the container is running");
    try {
        exec_->pause(c.id);
    } catch (const ExecError &e) {
        throw InternalError("Cannot pause container " + c.id + ": " + e.what());
    }
    c.set_paused();
    store_->save(c);
    publish_container_event(events_, c, "pause");
}

void ContainerService::unpause(const std::string &ref) {
    Container c = resolve(ref);
    auto l = live(c.id);
    std::lock_guard op(l->op);
    c = store_->resolve(c.id);
    if (!c.state.paused) throw Conflict("Container " + c.id + " is not paused");
    try {
        exec_->resume(c.id);
    } catch (const ExecError &e) {
        throw InternalError("Cannot unpause container " + c.id + ": " + e.what());
    }
    c.set_unpaused();
    store_->save(c);
    publish_container_event(events_, c, "unpause");
}

WaitTicket ContainerService::wait_begin(const std::string &ref, const std::string &condition) {
    const std::string cond = condition.empty() ? "not-running" : condition;
    if (cond != "not-running" && cond != "next-exit" && cond != "removed")
        throw InvalidArgument("invalid condition: \"" + condition + "\"");
    const Container c = resolve(ref);
    auto l = live(c.id);
    std::lock_guard lock(mu_);
    return {c.id, cond, l->exit_seq};
}

WaitResult ContainerService::wait_end(const WaitTicket &t, const std::function<bool()> &cancelled) {
    auto l = live(t.id);
    std::unique_lock lock(mu_);
    const auto done = [&]() -> bool {
        if (stopping_ || l->removed) return true;
        if (t.condition == "removed") return false;
        if (t.condition == "next-exit") return l->exit_seq > t.exit_seq;
        auto c = store_->get(t.id);
        return !c || !(c->state.running || c->state.restarting);
    };
    while (!done()) {
        changed_.wait_for(lock, 500ms);
        if (cancelled && cancelled()) break;
    }
    WaitResult r;
    if (auto c = store_->get(t.id); c && l->exit_seq == t.exit_seq && !l->removed) {
        r.status_code = c->state.exit_code;
        r.error = c->state.error;
    } else {
        r.status_code = l->last_exit_code;
        if (auto c2 = store_->get(t.id)) r.error = c2->state.error;
    }
    return r;
}

void ContainerService::restore_all() {
    for (auto &c : store_->list()) {
        try {
            restore_one(c);
        } catch (const std::exception &e) {
            spdlog::warn("restore of container {}: {}", c.id.substr(0, 12), e.what());
        }
    }
    sweep_orphan_bundles();
    sweep_orphan_init_layers();
}

// A shared init layer whose image top layer is gone: berthd died between
// removing the one and the other (LayerStore's removal hook runs first).
void ContainerService::sweep_orphan_init_layers() {
    if (!images_) return;
    std::set<std::string> tops;
    for (const auto &rec : images_->layers().list()) tops.insert(rec.cache_id);
    for (const auto &top : init_layers_->marked_tops()) {
        if (tops.count(top) != 0) continue;
        try {
            init_layers_->forget(images_->layers().driver(), top);
            spdlog::info("removed the init layer of a removed image layer {}", top.substr(0, 12));
        } catch (const std::exception &e) {
            spdlog::warn("removing the init layer of {}: {}", top.substr(0, 12), e.what());
        }
    }
}

// A bundle whose container has no record: berthd died between an
// auto-removed container's record removal and the runtime's delete
// (handle_exit). Its shim, if alive, is told to delete (it ends the
// runtime's state and exits); without one, the exec driver deletes the
// runtime's state itself. Bundles live in the exec root, or, for a long
// exec root, in a directory shared by every daemon (bundle_dir): there only
// a bundle whose config.json has its rootfs in this daemon's data root is
// this daemon's to sweep.
void ContainerService::sweep_orphan_bundles() {
    const fs::path shared = fs::path(bundle_dir(std::string(64, '0'))).parent_path();
    const std::string own_prefix = (cfg_.data_root / "").string();
    const auto ours = [&](const fs::path &bundle) {
        if (bundle.parent_path() == cfg_.exec_root) return true;
        std::ifstream in(bundle / "config.json");
        const json spec = json::parse(in, nullptr, false);
        if (!spec.is_object() || !spec.contains("root") || !spec["root"].is_object()) return false;
        return value_or<std::string>(spec["root"], "path", "").rfind(own_prefix, 0) == 0;
    };
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(shared, ec)) {
        const std::string id = entry.path().filename().string();
        if (id.size() != 64 || id.find_first_not_of("0123456789abcdef") != std::string::npos) continue;
        if (!entry.is_directory(ec) || store_->get(id) || bundle_dir(id) != entry.path().string()) continue;
        if (!ours(entry.path())) continue;
        std::string options = read_text_file(entry.path() / kShimOptionsFile);
        if (options.empty()) { // a bundle made before the options were kept
            Container orphan;
            orphan.id = id;
            options = shim_options(orphan);
        }
        try {
            exec_->restore(id, options);
            exec_->remove(id);
        } catch (const std::exception &e) {
            spdlog::debug("orphan bundle {}: {}", id.substr(0, 12), e.what());
        }
        fs::remove_all(entry.path(), ec);
        spdlog::info("removed the bundle of container {}, which has no record", id.substr(0, 12));
    }
}

void ContainerService::restore_one(Container c) {
    auto l = live(c.id);
    std::unique_lock op(l->op);
    const bool manual = manual_stop_marked(c.id);
    {
        std::lock_guard lock(mu_);
        l->manual_stop = manual;
    }
    if (c.state.removal_in_progress) {
        // berthd died half way through rm: finish it.
        remove_locked(c, *l, false);
        return;
    }
    for (const auto &m : c.mount_points)
        if (m.type == "volume" && !m.name.empty() && volumes_.adopt) volumes_.adopt(m.name, c.id);
    bool alive = false;
    if (c.state.running && !c.state.restarting) {
        try {
            exec_->restore(c.id, shim_options(c));
            const json st = json::parse(exec_->state(c.id), nullptr, false);
            const std::string status = value_or<std::string>(st, "status", "");
            if (status == "running" || status == "paused" || status == "created") {
                alive = true;
                l->has_task = true;
                if (images_) l->rootfs = images_->layers().driver().get(c.rw_layer);
                for (auto &m : c.mount_points)
                    if (m.type == "volume" && volumes_.acquire) {
                        volumes_.acquire(m.name, c.id);
                        l->acquired_volumes.push_back(m.name);
                    }
                c.state.paused = status == "paused";
                store_->save(c);
                restore_networks(c);
                l->started_mono = std::chrono::steady_clock::now();
                spdlog::info("container {} restored ({})", c.id.substr(0, 12), status);
            } else {
                // Exited while berthd was down; the shim kept its status.
                l->has_task = true;
                const int code = value_or<int>(st, "exit_code", 255);
                const bool oom = value_or<bool>(st, "oom_killed", false);
                const std::string at = value_or<std::string>(st, "exited_at", "");
                op.unlock();
                handle_exit(c.id, code, oom, at);
                return;
            }
        } catch (const std::exception &e) {
            // The shim is gone: the container cannot be running. Its exit
            // file, when the shim wrote one, has the real code.
            int code = 255;
            bool oom = false;
            std::string at;
            try {
                const json st = json::parse(exec_->state(c.id), nullptr, false);
                code = value_or<int>(st, "exit_code", 255);
                oom = value_or<bool>(st, "oom_killed", false);
                at = value_or<std::string>(st, "exited_at", "");
            } catch (...) {
            }
            spdlog::warn("container {}: its shim is gone ({}); marking it exited ({})", c.id.substr(0, 12), e.what(),
                         code);
            l->has_task = true; // so cleanup deletes runtime state
            if (images_) l->rootfs = "stale";
            op.unlock();
            handle_exit(c.id, code, oom, at);
            return;
        }
    }
    if (!alive) {
        // Not running: nothing of it may remain mounted, in the runtime or
        // on a network.
        detach_networks(c.id);
        std::error_code ec;
        if (fs::exists(bundle_dir(c.id), ec)) {
            try {
                exec_->remove(c.id);
            } catch (...) {
            }
            fs::remove_all(bundle_dir(c.id), ec);
        }
        if (images_ && !c.rw_layer.empty()) {
            try {
                images_->layers().driver().put(c.rw_layer);
            } catch (...) {
            }
        }
        if (c.state.restarting) {
            c.state.restarting = false;
            c.state.running = false;
            store_->save(c);
        }
        const RestartPolicy policy = parse_restart_policy(c.host_config_json);
        if (c.state.started_at != TimePoint{} && should_restart(policy, c.state.exit_code, manual, 0) &&
            (policy.name == "always" || policy.name == "unless-stopped")) {
            const std::string id = c.id;
            post([this, id] {
                try {
                    auto l2 = live(id);
                    std::lock_guard op2(l2->op);
                    Container c2 = store_->resolve(id);
                    if (!c2.state.running) start_locked(c2, *l2);
                } catch (const std::exception &e) {
                    spdlog::warn("starting {} for its restart policy: {}", id.substr(0, 12), e.what());
                }
            });
        }
    }
}

} // namespace berth::containers
