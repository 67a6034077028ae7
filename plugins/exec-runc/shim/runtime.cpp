#include "runtime.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace berth::shim {

void reset_signals_for_child() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
}

int exit_code_of(int st) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return -1;
}

int wait_exit_code(int pid) {
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return exit_code_of(st);
}

std::vector<std::string> Runtime::argv_for(const std::vector<std::string> &args) const {
    std::vector<std::string> argv{path_};
    argv.insert(argv.end(), global_args_.begin(), global_args_.end());
    if (!log_path_.empty()) {
        argv.push_back("--log");
        argv.push_back(log_path_);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

int Runtime::start(const std::vector<std::string> &args, int in, int out, int err, int niceness) const {
    std::vector<std::string> argv = argv_for(args);
    std::vector<char *> cargv;
    for (auto &a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        reset_signals_for_child();
        if (niceness != 0 && setpriority(PRIO_PROCESS, 0, niceness) != 0) {
            // Keeps the shim's priority: slower to yield, no less correct.
        }
        // Move the fds out of 0..2 first so dup2 order cannot clobber them.
        int fds[3] = {in < 0 ? devnull : in, out < 0 ? devnull : out, err < 0 ? devnull : err};
        for (int &fd : fds) fd = fcntl(fd, F_DUPFD, 10);
        for (int i = 0; i < 3; ++i) dup2(fds[i], i);
        close_range(3, ~0U, 0);
        execv(cargv[0], cargv.data());
        _exit(127);
    }
    if (devnull >= 0) close(devnull);
    return pid < 0 ? -1 : pid;
}

RuntimeResult Runtime::run_with_stdio(const std::vector<std::string> &args, int in, int out,
                                      int err) const {
    const int pid = start(args, in, out, err, 0);
    if (pid < 0) return {-1, "fork failed"};
    RuntimeResult r;
    r.status = wait_exit_code(pid);
    if (r.status == 127) r.output = "cannot execute " + path_;
    return r;
}

// Nobody waits for it at once (see the header): it runs at a lower priority
// than berthd's handling of the exit it overlaps.
int Runtime::spawn(const std::vector<std::string> &args) const { return start(args, -1, -1, -1, 10); }

RuntimeResult Runtime::run_captured(const std::vector<std::string> &args) const {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return {-1, "pipe failed"};
    RuntimeResult r = run_with_stdio(args, -1, p[1], p[1]);
    close(p[1]);
    char buf[4096];
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<size_t>(n));
    close(p[0]);
    while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' '))
        r.output.pop_back();
    if (!r.ok() && r.output.empty()) r.output = last_logged_error();
    return r;
}

std::string Runtime::last_logged_error() const {
    std::ifstream in(log_path_);
    std::string line, last;
    while (std::getline(in, line)) {
        if (line.find("error") != std::string::npos) last = line;
    }
    // runc logs logrus text: time="..." level=error msg="..."; keep msg.
    auto m = last.find("msg=\"");
    if (m != std::string::npos) {
        auto end = last.rfind('"');
        if (end > m + 5) return last.substr(m + 5, end - m - 5);
    }
    return last;
}

} // namespace berth::shim
