#include "driver.hpp"

#include "shim/protocol.hpp"
#include "shim_client.hpp"
#include "shim_launcher.hpp"
#include "cgroup_stats.hpp"
#include "runtime_command.hpp"

#include <berth/sdk.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace berth::execrunc {

namespace {

using nlohmann::json;

[[noreturn]] void fail(int32_t code, const std::string &msg) { throw sdk::error(code, msg); }

std::string read_file(const std::string &path) {
    std::ifstream in(path);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string now_rfc3339() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09ldZ", ts.tv_nsec);
    return std::string(buf) + frac;
}

// A process that is gone or a zombie (its parent, pid 1, has not reaped it).
bool process_gone(int pid) {
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty()) return true;
    auto close_paren = stat.rfind(')');
    return close_paren != std::string::npos && close_paren + 2 < stat.size() &&
           stat[close_paren + 2] == 'Z';
}

} // namespace

std::string recover_without_shim(const std::string &dir) {
    const std::string exit_path = dir + "/" + shim::exit_file_name;
    std::string recorded = read_file(exit_path);
    if (!recorded.empty()) return recorded;
    std::string pid_text = read_file(dir + "/" + shim::pid_file_name);
    if (pid_text.empty()) return {};
    int pid = std::atoi(pid_text.c_str());
    if (pid > 1 && !process_gone(pid)) {
        ::kill(pid, SIGKILL);
        for (int i = 0; i < 100 && !process_gone(pid); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    json rec = {{"exit_code", 137}, {"exited_at", now_rfc3339()}, {"oom_killed", false}};
    std::string body = rec.dump() + "\n";
    const std::string tmp = exit_path + ".tmp";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        bool ok = shim::write_all(fd, body.data(), body.size()) && fsync(fd) == 0;
        close(fd);
        if (ok) rename(tmp.c_str(), exit_path.c_str());
    }
    return body;
}

Driver::Driver(const berth_host *host, std::string shim_path, std::string runtime_path)
    : host_(host), shim_path_(std::move(shim_path)), runtime_path_(std::move(runtime_path)) {
    if (runtime_path_.empty()) runtime_path_ = default_runtime_path();
}

Driver::~Driver() {
    stopping_ = true;
    std::vector<std::thread> ws;
    {
        std::lock_guard<std::mutex> lk(mu_);
        ws.swap(watchers_);
    }
    for (auto &t : ws) t.join();
}

Driver::Options Driver::parse_options(const std::string &id, const char *text) const {
    Options o;
    json j = json::object();
    if (text != nullptr && *text != '\0') {
        j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) fail(BERTH_E_INVAL, "options_json is not a JSON object");
    }
    o.dir = j.value("container_dir", std::string(host_->run_dir) + "/" + id);
    o.runtime = j.value("runtime_path", std::string());
    if (o.runtime.empty()) o.runtime = runtime_path_;
    if (j.contains("runtime_args")) o.runtime_args = j["runtime_args"].get<std::vector<std::string>>();
    o.open_stdin = j.value("open_stdin", false);
    o.stdin_once = j.value("stdin_once", false);
    o.start = j.value("start", false);
    if (j.contains("terminal") && j["terminal"].is_boolean()) o.terminal = j["terminal"].get<bool>();
    if (j.contains("rows") && j["rows"].is_number_unsigned()) o.rows = j["rows"].get<unsigned>();
    if (j.contains("cols") && j["cols"].is_number_unsigned()) o.cols = j["cols"].get<unsigned>();
    // "log": null or absent is the "none" driver: output goes only to
    // attached clients.
    if (j.contains("log") && !j["log"].is_null()) {
        const json &log = j["log"];
        if (!log.is_object() || !log.contains("library") || !log["library"].is_string())
            fail(BERTH_E_INVAL, "options_json: log must be null or {\"library\":...,\"info\":{...}}");
        o.log_library = log["library"].get<std::string>();
        if (o.log_library.empty() || o.log_library[0] != '/')
            fail(BERTH_E_INVAL, "options_json: log library \"" + o.log_library + "\" is not an absolute path");
        o.log_driver = log.value("driver", std::string());
        if (log.contains("plugin_config")) o.log_plugin_config = log["plugin_config"].dump();
        if (!log.contains("info") || !log["info"].is_object())
            fail(BERTH_E_INVAL, "options_json: log.info must be the log driver's start() info object");
        o.log_info_json = log["info"].dump();
    }
    return o;
}

std::shared_ptr<Driver::Container> Driver::find(const std::string &id) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) fail(BERTH_E_NOTFOUND, "No such container: " + id);
    return it->second;
}

std::shared_ptr<Driver::Container> Driver::adopt(const std::string &id, const Options &o) {
    auto c = std::make_shared<Container>();
    c->dir = o.dir;
    c->runtime = o.runtime;
    c->runtime_args = o.runtime_args;
    std::lock_guard<std::mutex> lk(mu_);
    containers_[id] = c;
    watchers_.emplace_back(&Driver::watch_exit, this, id, c);
    return c;
}

std::string Driver::call(const std::string &id, const std::string &line,
                         const std::vector<int> &fds) {
    auto c = find(id);
    std::string reply;
    if (!shim_call(c->dir, line, fds, reply))
        fail(BERTH_E_NOTFOUND, "container " + id + ": its shim is not running");
    json j = json::parse(reply, nullptr, false);
    if (j.is_discarded()) fail(BERTH_E_INTERNAL, "container " + id + ": bad shim reply " + reply);
    if (!j.value("ok", false)) {
        std::string err = j.value("error", std::string("shim error"));
        int32_t code = BERTH_E_INTERNAL;
        if (err.find("not running") != std::string::npos ||
            err.find("not in created state") != std::string::npos ||
            err.find("no terminal") != std::string::npos)
            code = BERTH_E_BUSY;
        fail(code, "container " + id + ": " + err);
    }
    return reply;
}

int Driver::create(const std::string &id, const berth_exec_create_opts &opts) {
    if (opts.bundle_dir == nullptr) fail(BERTH_E_INVAL, "bundle_dir is required");
    Options o = parse_options(id, opts.options_json);
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (containers_.count(id) != 0) fail(BERTH_E_EXISTS, "container " + id + " already exists");
    }
    ::mkdir(o.dir.c_str(), 0700);
    // A rerun of the same id must not read the previous run's exit.
    unlink((o.dir + "/" + shim::exit_file_name).c_str());
    // The shim reads the log driver's info once, at startup (no JSON parser
    // in the shim: it hands the text to start() verbatim).
    const std::string log_info_file = o.dir + "/log-info.json";
    if (!o.log_library.empty()) {
        std::ofstream out(log_info_file, std::ios::trunc);
        out << o.log_info_json;
        if (!out) fail(BERTH_E_IO, "cannot write " + log_info_file);
    }
    LaunchRequest req;
    req.shim_path = shim_path_;
    req.id = id;
    req.bundle = opts.bundle_dir;
    req.dir = o.dir;
    req.runtime = o.runtime;
    req.runtime_args = o.runtime_args;
    if (const berth_exec_stdio *s = opts.stdio) {
        req.terminal = s->terminal != 0;
        req.stdin_fd = s->stdin_fd;
        req.stdout_fd = s->stdout_fd;
        req.stderr_fd = s->stderr_fd;
        req.rows = s->rows;
        req.cols = s->cols;
    }
    req.terminal = o.terminal.value_or(req.terminal);
    req.rows = o.rows.value_or(req.rows);
    req.cols = o.cols.value_or(req.cols);
    req.open_stdin = o.open_stdin;
    req.stdin_once = o.stdin_once;
    req.start = o.start;
    if (!o.log_library.empty()) {
        req.log_library = o.log_library;
        req.log_driver = o.log_driver;
        req.log_plugin_config = o.log_plugin_config;
        req.log_info_file = log_info_file;
    }
    int pid = 0;
    try {
        pid = launch_shim(req);
    } catch (...) {
        unlink(log_info_file.c_str());
        throw;
    }
    unlink(log_info_file.c_str());
    adopt(id, o);
    return pid;
}

void Driver::start(const std::string &id) { call(id, "start"); }

std::string Driver::state(const std::string &id) {
    auto c = find(id);
    std::string reply;
    if (shim_call(c->dir, "state", {}, reply)) {
        json j = json::parse(reply, nullptr, false);
        if (!j.is_discarded() && j.value("ok", false)) {
            j.erase("ok");
            // The shim knows created/running/stopped; only the runtime
            // knows a running container is frozen.
            if (j.value("status", std::string()) == "running") {
                RuntimeOutput r = run_runtime(c->runtime, c->runtime_args, {"state", id});
                json rs = json::parse(r.out, nullptr, false);
                if (r.ok() && !rs.is_discarded() && rs.value("status", std::string()) == "paused")
                    j["status"] = "paused";
            }
            return j.dump();
        }
    }
    // The shim is gone: report what it recorded (or what we record now).
    std::string rec = recover_without_shim(c->dir);
    if (rec.empty()) fail(BERTH_E_NOTFOUND, "container " + id + ": no shim and no exit record");
    json e = json::parse(rec, nullptr, false);
    if (e.is_discarded()) e = json::object();
    json out = {{"status", "stopped"},
                {"pid", 0},
                {"exit_code", e.value("exit_code", 255)},
                {"exited_at", e.value("exited_at", std::string())},
                {"oom_killed", e.value("oom_killed", false)}};
    return out.dump();
}

namespace {
// The shim's request prefix addressing an exec process (none for init).
std::string target(const std::string &exec_id) { return exec_id.empty() ? "" : "@" + exec_id + " "; }
} // namespace

void Driver::kill(const std::string &id, const std::string &exec_id, int signal, bool all) {
    if (!exec_id.empty()) {
        call(id, target(exec_id) + "kill " + std::to_string(signal));
        return;
    }
    call(id, "kill " + std::to_string(signal) + (all ? " 1" : " 0"));
}

int Driver::wait(const std::string &id, const std::string &exec_id,
                 const std::function<bool()> &cancelled) {
    auto c = find(id);
    std::string reply;
    bool was_cancelled = false;
    if (shim_call(c->dir, target(exec_id) + "wait", {}, reply, cancelled, &was_cancelled)) {
        json j = json::parse(reply, nullptr, false);
        if (!j.is_discarded() && j.value("ok", false)) return j.value("exit_code", 255);
        if (!exec_id.empty() && !j.is_discarded())
            fail(BERTH_E_NOTFOUND, "container " + id + ": " + j.value("error", std::string()));
    }
    if (was_cancelled) fail(BERTH_E_TIMEOUT, "wait for container " + id + " cancelled");
    // An exec process leaves no record once its shim is gone.
    if (!exec_id.empty()) fail(BERTH_E_NOTFOUND, "container " + id + ": its shim is not running");
    std::string rec = recover_without_shim(c->dir);
    json e = json::parse(rec, nullptr, false);
    if (rec.empty() || e.is_discarded())
        fail(BERTH_E_NOTFOUND, "container " + id + ": no shim and no exit record");
    return e.value("exit_code", 255);
}

void Driver::remove(const std::string &id) {
    auto c = find(id);
    c->deleting = true;
    std::string reply;
    if (shim_call(c->dir, "delete", {}, reply)) {
        json j = json::parse(reply, nullptr, false);
        if (j.is_discarded() || !j.value("ok", false)) {
            c->deleting = false;
            fail(BERTH_E_INTERNAL, "container " + id + ": " +
                                       (j.is_discarded() ? reply : j.value("error", std::string())));
        }
    } else {
        // No shim: clean the runtime's state ourselves.
        std::vector<std::string> argv{c->runtime};
        argv.insert(argv.end(), c->runtime_args.begin(), c->runtime_args.end());
        std::string cmd;
        for (auto &a : argv) cmd += "'" + a + "' ";
        cmd += "delete --force '" + id + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) {
            // Nothing to delete is fine: the runtime may never have had it.
        }
        for (const char *name : shim::shim_files) unlink((c->dir + "/" + name).c_str());
    }
    std::lock_guard<std::mutex> lk(mu_);
    containers_.erase(id);
}

void Driver::attach(const std::string &id, const std::string &exec_id, const berth_exec_stdio &s) {
    std::vector<int> fds;
    int mask = 0;
    if (s.stdin_fd >= 0) mask |= shim::attach_stdin, fds.push_back(s.stdin_fd);
    if (s.stdout_fd >= 0) mask |= shim::attach_stdout, fds.push_back(s.stdout_fd);
    if (s.stderr_fd >= 0) mask |= shim::attach_stderr, fds.push_back(s.stderr_fd);
    call(id, target(exec_id) + "attach " + std::to_string(mask), fds);
}

void Driver::resize(const std::string &id, const std::string &exec_id, unsigned rows,
                    unsigned cols) {
    call(id, target(exec_id) + "resize " + std::to_string(rows) + " " + std::to_string(cols));
}

void Driver::close_stdin(const std::string &id, const std::string &exec_id) {
    call(id, target(exec_id) + "close_stdin");
}

int Driver::exec(const std::string &id, const std::string &exec_id, const std::string &process_json,
                 const berth_exec_stdio &s) {
    auto c = find(id);
    // The id names files in the container dir and is a word of the protocol.
    if (exec_id.empty() || exec_id.size() > 128 ||
        exec_id.find_first_of("/ @\n\t") != std::string::npos || exec_id[0] == '.')
        fail(BERTH_E_INVAL, "invalid exec id \"" + exec_id + "\"");
    json p = json::parse(process_json, nullptr, false);
    if (p.is_discarded() || !p.is_object()) fail(BERTH_E_INVAL, "process_json is not a JSON object");
    if (!p.contains("args") || !p["args"].is_array() || p["args"].empty())
        fail(BERTH_E_INVAL, "process_json has no args");
    // runc needs the terminal flag to match the console socket it is given.
    p["terminal"] = s.terminal != 0;
    // The size the pty starts with: runc sets it before the process runs,
    // where the shim's resize after receiving the pty would race a process
    // that asks at once (`stty size` printing an error for 0x0).
    if (s.terminal != 0 && s.rows != 0 && s.cols != 0 && !p.contains("consoleSize"))
        p["consoleSize"] = {{"height", s.rows}, {"width", s.cols}};
    if (!p.contains("cwd")) p["cwd"] = "/";
    if (!p.contains("user")) p["user"] = {{"uid", 0}, {"gid", 0}};
    const std::string path = c->dir + "/exec-" + exec_id + ".json";
    {
        std::ofstream out(path, std::ios::trunc);
        out << p.dump();
        if (!out) fail(BERTH_E_INTERNAL, "cannot write " + path);
    }
    std::vector<int> fds;
    int mask = 0;
    if (s.stdin_fd >= 0) mask |= shim::attach_stdin, fds.push_back(s.stdin_fd);
    if (s.stdout_fd >= 0) mask |= shim::attach_stdout, fds.push_back(s.stdout_fd);
    if (s.stderr_fd >= 0) mask |= shim::attach_stderr, fds.push_back(s.stderr_fd);
    std::string reply;
    try {
        reply = call(id, "exec " + exec_id + " " + std::to_string(mask) + " " +
                             (s.terminal ? "1 " : "0 ") + std::to_string(s.rows) + " " +
                             std::to_string(s.cols),
                     fds);
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    unlink(path.c_str());
    int pid = json::parse(reply, nullptr, false).value("pid", 0);
    std::lock_guard<std::mutex> lk(mu_);
    watchers_.emplace_back(&Driver::watch_exec_exit, this, id, exec_id, c);
    return pid;
}

void Driver::restore(const std::string &id, const std::string &options_json) {
    Options o = parse_options(id, options_json.c_str());
    std::string reply;
    if (!shim_call(o.dir, "state", {}, reply)) {
        // Record the exit (killing an orphaned init) so the host can read it,
        // and drop the runtime's state: the host cannot delete a container
        // this instance never adopted.
        recover_without_shim(o.dir);
        std::string cmd = "'" + o.runtime + "' ";
        for (const auto &a : o.runtime_args) cmd += "'" + a + "' ";
        cmd += "delete --force '" + id + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) {
            // Nothing to delete is fine: the runtime may never have had it.
        }
        fail(BERTH_E_NOTFOUND, "container " + id + ": its shim is gone");
    }
    watch_unreported_execs(id, adopt(id, o));
}

void Driver::watch_unreported_execs(const std::string &id, const std::shared_ptr<Container> &c) {
    std::string reply;
    // An old shim without the request answers an error: nothing to watch.
    if (!shim_call(c->dir, "execs", {}, reply)) return;
    json j = json::parse(reply, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false) || !j.contains("execs") || !j["execs"].is_array()) return;
    std::lock_guard<std::mutex> lk(mu_);
    for (const auto &e : j["execs"])
        if (e.is_string())
            watchers_.emplace_back(&Driver::watch_exec_exit, this, id, e.get<std::string>(), c);
}

std::string Driver::features() { return runtime_features(runtime_path_); }

bool Driver::can_handle(const std::string &spec_json) {
    json spec = json::parse(spec_json, nullptr, false);
    if (spec.is_discarded() || !spec.is_object()) fail(BERTH_E_INVAL, "spec_json is not a JSON object");
    return runtime_available(runtime_path_);
}

std::string Driver::runtime(const Container &c, const std::string &id,
                            const std::vector<std::string> &args) {
    RuntimeOutput r = run_runtime(c.runtime, c.runtime_args, args);
    if (r.ok()) return r.out;
    std::string msg = r.message();
    // runc logs logrus text on stderr: keep its msg="..." part.
    auto m = msg.find("msg=\"");
    if (m != std::string::npos) {
        auto end = msg.rfind('"');
        if (end > m + 5) msg = msg.substr(m + 5, end - m - 5);
    }
    int32_t code = BERTH_E_INTERNAL;
    if (msg.find("not running") != std::string::npos || msg.find("not paused") != std::string::npos ||
        msg.find("already paused") != std::string::npos || msg.find("stopped") != std::string::npos)
        code = BERTH_E_BUSY;
    else if (msg.find("does not exist") != std::string::npos)
        code = BERTH_E_NOTFOUND;
    fail(code, "container " + id + ": " + msg);
}

void Driver::pause(const std::string &id) {
    auto c = find(id);
    runtime(*c, id, {"pause", id});
}

void Driver::resume(const std::string &id) {
    auto c = find(id);
    runtime(*c, id, {"resume", id});
}

void Driver::update(const std::string &id, const std::string &resources_json) {
    auto c = find(id);
    json r = json::parse(resources_json, nullptr, false);
    if (r.is_discarded() || !r.is_object()) fail(BERTH_E_INVAL, "resources_json is not a JSON object");
    // runc reads the resources from a file (-r); keep it beside the shim's.
    const std::string path = c->dir + "/update-resources.json";
    {
        std::ofstream out(path, std::ios::trunc);
        out << r.dump();
        if (!out) fail(BERTH_E_INTERNAL, "cannot write " + path);
    }
    try {
        runtime(*c, id, {"update", "--resources", path, id});
    } catch (...) {
        unlink(path.c_str());
        throw;
    }
    unlink(path.c_str());
}

std::string Driver::pids(const std::string &id) {
    auto c = find(id);
    json j = json::parse(runtime(*c, id, {"ps", "--format", "json", id}), nullptr, false);
    // runc prints "null" for an empty list.
    if (j.is_null()) j = json::array();
    if (j.is_discarded() || !j.is_array()) fail(BERTH_E_INTERNAL, "container " + id + ": bad runc ps output");
    return j.dump();
}

int Driver::init_pid(const std::string &id) {
    json j = json::parse(call(id, "state"), nullptr, false);
    if (j.value("status", std::string()) == "stopped")
        fail(BERTH_E_BUSY, "container " + id + " is not running");
    return j.value("pid", 0);
}

std::string Driver::stats(const std::string &id) {
    int pid = init_pid(id);
    try {
        return cgroup_stats_json(pid);
    } catch (const std::runtime_error &e) {
        fail(BERTH_E_INTERNAL, "container " + id + ": " + e.what());
    }
}

void Driver::emit_exit(const std::string &id, const std::string &exit_json,
                       const std::string &exec_id) {
    json e = json::parse(exit_json, nullptr, false);
    if (e.is_discarded()) e = json::object();
    json ev = {{"id", id},
               {"exec_id", exec_id.empty() ? json(nullptr) : json(exec_id)},
               {"exit_code", e.value("exit_code", 255)},
               {"exited_at", e.value("exited_at", now_rfc3339())},
               {"oom_killed", e.value("oom_killed", false)}};
    host_->emit_event(host_, "exit", ev.dump().c_str());
}

// One thread per container for as long as it runs: its blocking wait on the
// shim turns into the "exit" event. If the shim dies instead, the files it
// left decide the exit.
void Driver::watch_exit(std::string id, std::shared_ptr<Container> c) {
    std::string reply;
    auto stop = [this] { return stopping_.load(); };
    bool ok = shim_call(c->dir, "wait", {}, reply, stop);
    if (stopping_ || c->deleting) return;
    if (ok) {
        json j = json::parse(reply, nullptr, false);
        if (!j.is_discarded() && j.value("ok", false)) {
            // Docker sends "oom" before "die" for a container the OOM killer ended.
            if (j.value("oom_killed", false))
                host_->emit_event(host_, "oom", json{{"id", id}}.dump().c_str());
            emit_exit(id, reply);
            return;
        }
        if (c->deleting) return;
    }
    std::string rec = recover_without_shim(c->dir);
    if (!rec.empty() && !c->deleting) emit_exit(id, rec);
}

} // namespace berth::execrunc

namespace berth::execrunc {

// Like watch_exit, for one exec process: its shim wait becomes the "exit"
// event with exec_id set. No event when the shim goes away first: the
// container's own exit event covers that.
void Driver::watch_exec_exit(std::string id, std::string exec_id, std::shared_ptr<Container> c) {
    std::string reply;
    auto stop = [this] { return stopping_.load(); };
    bool ok = shim_call(c->dir, target(exec_id) + "wait", {}, reply, stop);
    if (stopping_ || c->deleting || !ok) return;
    json j = json::parse(reply, nullptr, false);
    if (j.is_discarded() || !j.value("ok", false)) return;
    emit_exit(id, reply, exec_id);
    // Announced: a plugin instance started after a daemon restart need not.
    std::string ack;
    shim_call(c->dir, target(exec_id) + "reported", {}, ack);
}

} // namespace berth::execrunc
