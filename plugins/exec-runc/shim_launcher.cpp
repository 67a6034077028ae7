#include "shim_launcher.hpp"

#include <berth/sdk.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace berth::execrunc {

namespace {

// How long a runtime create may take before we give up on the shim.
constexpr int ready_timeout_ms = 60000;

[[noreturn]] void fail(int32_t code, const std::string &msg) { throw sdk::error(code, msg); }

} // namespace

std::string default_shim_path() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void *>(&default_shim_path), &info) == 0 ||
        info.dli_fname == nullptr)
        return "berth-shim";
    std::string so = info.dli_fname;
    auto slash = so.rfind('/');
    std::string dir = slash == std::string::npos ? "." : so.substr(0, slash);
    return dir + "/../berth-shim";
}

int launch_shim(const LaunchRequest &req) {
    if (access(req.shim_path.c_str(), X_OK) != 0)
        fail(BERTH_E_PREREQ, "berth-shim not found at " + req.shim_path);
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) fail(BERTH_E_IO, "pipe: " + std::string(strerror(errno)));

    // The fds move to 3.. in the child; dup them to >= 10 first so the
    // dup2 calls cannot overwrite a source.
    std::vector<int> sources{ready[1], req.stdin_fd, req.stdout_fd, req.stderr_fd};
    std::vector<int> high(sources.size(), -1);
    for (size_t i = 0; i < sources.size(); ++i)
        if (sources[i] >= 0) high[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, 10);
    std::vector<std::string> argv{req.shim_path, "--id", req.id, "--bundle", req.bundle, "--dir",
                                  req.dir, "--runtime", req.runtime, "--ready-fd", "3"};
    for (const auto &a : req.runtime_args) {
        argv.push_back("--runtime-arg");
        argv.push_back(a);
    }
    const char *names[] = {nullptr, "--stdin", "--stdout", "--stderr"};
    for (size_t i = 1; i < high.size(); ++i) {
        if (high[i] < 0) continue;
        argv.push_back(names[i]);
        argv.push_back(std::to_string(3 + i));
    }
    if (req.open_stdin) argv.push_back("--open-stdin");
    if (req.stdin_once) argv.push_back("--stdin-once");
    if (req.start) argv.push_back("--start");
    if (!req.log_library.empty()) {
        argv.insert(argv.end(), {"--log-library", req.log_library, "--log-info", req.log_info_file});
        if (!req.log_driver.empty()) argv.insert(argv.end(), {"--log-driver", req.log_driver});
        if (!req.log_plugin_config.empty())
            argv.insert(argv.end(), {"--log-plugin-config", req.log_plugin_config});
    }
    if (req.terminal) {
        argv.push_back("--terminal");
        argv.push_back("--rows");
        argv.push_back(std::to_string(req.rows));
        argv.push_back("--cols");
        argv.push_back(std::to_string(req.cols));
    }
    std::vector<char *> cargv;
    for (auto &a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    // posix_spawn, not fork: glibc's spawn shares berthd's memory with the
    // child until the exec (CLONE_VM | CLONE_VFORK), so no page table of
    // the big, many-threaded daemon is copied and none of its pages turns
    // copy-on-write; on `run`'s path once per container.
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    for (size_t i = 0; i < high.size(); ++i)
        if (high[i] >= 0) posix_spawn_file_actions_adddup2(&actions, high[i], static_cast<int>(3 + i));
    posix_spawn_file_actions_addclosefrom_np(&actions, 3 + static_cast<int>(high.size()));
    pid_t pid = -1;
    const int spawn_err = posix_spawn(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (int fd : high)
        if (fd >= 0) close(fd);
    close(ready[1]);
    if (spawn_err != 0) {
        close(ready[0]);
        if (spawn_err == ENOENT || spawn_err == EACCES || spawn_err == ENOEXEC)
            fail(BERTH_E_PREREQ, "cannot execute " + req.shim_path + ": " + strerror(spawn_err));
        fail(BERTH_E_INTERNAL, "spawn " + req.shim_path + ": " + std::string(strerror(spawn_err)));
    }
    // The direct child exits as soon as it has forked the detached shim.
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    std::string line;
    char buf[512];
    for (;;) {
        pollfd p{ready[0], POLLIN, 0};
        int n = poll(&p, 1, ready_timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        ssize_t r = read(ready[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        line.append(buf, static_cast<size_t>(r));
    }
    close(ready[0]);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.rfind("ok ", 0) == 0) return std::stoi(line.substr(3));
    if (line.rfind("error ", 0) == 0) {
        std::string msg = line.substr(6);
        // The shim names the log library itself; a library that does not
        // load is the caller's configuration, not a runtime failure.
        if (msg.rfind("log driver library ", 0) == 0) fail(BERTH_E_INVAL, msg);
        fail(BERTH_E_INTERNAL, "runtime create: " + msg);
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        fail(BERTH_E_PREREQ, "cannot execute " + req.shim_path);
    fail(BERTH_E_INTERNAL, "berth-shim exited before the container was created (see " + req.dir +
                               "/shim.log)");
}

} // namespace berth::execrunc
