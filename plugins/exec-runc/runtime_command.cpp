#include "runtime_command.hpp"

#include <berth/sdk.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace berth::execrunc {

namespace {

void trim(std::string &s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
}

} // namespace

std::string RuntimeOutput::message() const {
    if (!err.empty()) return err;
    if (!out.empty()) return out;
    return "runtime exited with status " + std::to_string(status);
}

RuntimeOutput run_runtime(const std::string &runtime, const std::vector<std::string> &global_args,
                          const std::vector<std::string> &args) {
    std::vector<std::string> argv{runtime};
    argv.insert(argv.end(), global_args.begin(), global_args.end());
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char *> cargv;
    for (auto &a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    RuntimeOutput r;
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0) return r;
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        return r;
    }
    pid_t pid = fork();
    if (pid == 0) {
        // berthd's threads may block signals; the runtime must not inherit that.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close_range(3, ~0U, 0);
        execv(cargv[0], cargv.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    if (pid < 0) {
        close(out[0]);
        close(err[0]);
        r.err = "fork failed";
        return r;
    }
    // Read both pipes together: a runtime filling one while we block on the
    // other would deadlock.
    pollfd p[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string *dest[2] = {&r.out, &r.err};
    int open_count = 2;
    char buf[8192];
    while (open_count > 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (p[i].fd < 0 || p[i].revents == 0) continue;
            ssize_t n = read(p[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                close(p[i].fd);
                p[i].fd = -1;
                --open_count;
            } else {
                dest[i]->append(buf, static_cast<size_t>(n));
            }
        }
    }
    for (auto &f : p)
        if (f.fd >= 0) close(f.fd);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (r.status == 127 && r.err.empty()) r.err = "cannot execute " + runtime;
    trim(r.out);
    trim(r.err);
    return r;
}

namespace {

// name as an executable path: itself when it has a '/', else the first
// match on PATH (run_runtime execs without a PATH search). "" if none.
std::string executable_path(const std::string &name) {
    if (name.empty()) return {};
    if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
    const char *path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':'))
        if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    return {};
}

} // namespace

std::string default_runtime_path() {
    for (const char *p : {"/usr/sbin/runc", "/usr/bin/runc"})
        if (access(p, X_OK) == 0) return p;
    std::string found = executable_path("runc");
    return found.empty() ? "runc" : found;
}

bool runtime_available(const std::string &runtime) { return !executable_path(runtime).empty(); }

std::string runtime_features(const std::string &runtime) {
    if (!runtime_available(runtime))
        throw sdk::error(BERTH_E_PREREQ, "runtime " + runtime + " is not installed");
    RuntimeOutput r = run_runtime(executable_path(runtime), {}, {"features"});
    if (r.status == 127) throw sdk::error(BERTH_E_PREREQ, r.message());
    // Runtimes older than the command (runc < 1.1) answer "No help topic".
    if (!r.ok())
        throw sdk::error(BERTH_E_NOTSUP, "runtime " + runtime + " has no features command: " + r.message());
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw sdk::error(BERTH_E_INTERNAL, "runtime " + runtime + " features: not a JSON object");
    return j.dump();
}

} // namespace berth::execrunc
