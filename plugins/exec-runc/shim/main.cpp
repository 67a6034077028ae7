// berth-shim: one small process per container. The exec-runc plugin execs it;
// it detaches from berthd (double fork + setsid) so killing or restarting
// berthd never touches the container, becomes the child subreaper so it
// reaps the container's init after the runtime exits, and then serves the
// container's control socket (see protocol.hpp) until delete or shutdown.
// When given a log driver library it hosts that driver too (log_driver.hpp),
// so the container's output is logged while berthd is down.
#include "options.hpp"
#include "server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

// Fork twice with a setsid between: the process the plugin forked exits at
// once (the plugin reaps it), the grandchild has no controlling terminal and
// is parented by init (or the nearest subreaper), never by berthd.
void detach() {
    pid_t pid = fork();
    if (pid < 0) _exit(1);
    if (pid > 0) _exit(0);
    setsid();
    pid = fork();
    if (pid < 0) _exit(1);
    if (pid > 0) _exit(0);
}

} // namespace

int main(int argc, char **argv) {
    berth::shim::Options o;
    std::string err;
    if (!berth::shim::parse_options(argc, argv, o, err)) {
        std::fprintf(stderr, "berth-shim: %s\n", err.c_str());
        return 2;
    }
    detach();
    // Our own diagnostics go to a file in the container directory; stdio
    // belongs to nobody once detached.
    int devnull = open("/dev/null", O_RDWR);
    int log = open((o.dir + "/shim.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(log >= 0 ? log : devnull, 2);
    if (devnull > 2) close(devnull);
    if (log > 2) close(log);
    // Every inherited fd (host stdio, ready pipe) is ours alone now: make
    // sure none leaks into the runtime or the container.
    for (int fd : {o.ready_fd, o.stdin_fd, o.stdout_fd, o.stderr_fd})
        if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);

    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    if (chdir(o.dir.c_str()) != 0) {
        std::fprintf(stderr, "berth-shim: chdir %s failed\n", o.dir.c_str());
    }

    berth::shim::Server server(std::move(o));
    if (!server.create()) return 1;
    return server.run();
}
