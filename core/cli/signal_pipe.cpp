#include "signal_pipe.h"

#include <cerrno>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace berth::cli {
namespace {

volatile int g_write_fd = -1;

void on_signal(int signo) {
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signo);
    if (g_write_fd >= 0) (void)!::write(g_write_fd, &byte, 1);
    errno = saved;
}

}  // namespace

SignalPipe::SignalPipe(const std::vector<int>& signals) {
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) return;
    g_write_fd = fds_[1];
    for (const int signo : signals) {
        struct sigaction action {};
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        struct sigaction old {};
        if (::sigaction(signo, &action, &old) == 0) previous_.emplace_back(signo, old);
    }
}

SignalPipe::~SignalPipe() {
    for (const auto& [signo, old] : previous_) ::sigaction(signo, &old, nullptr);
    g_write_fd = -1;
    if (fds_[0] >= 0) ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
}

int SignalPipe::next() {
    unsigned char byte = 0;
    if (fds_[0] < 0 || ::read(fds_[0], &byte, 1) != 1) return 0;
    return byte;
}

std::vector<int> proxied_signals() {
    return {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU,
            SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGPWR, SIGSYS, SIGTRAP, SIGABRT};
}

const char* signal_name(int signo) {
    switch (signo) {
        case SIGHUP: return "HUP";
        case SIGINT: return "INT";
        case SIGQUIT: return "QUIT";
        case SIGTERM: return "TERM";
        case SIGUSR1: return "USR1";
        case SIGUSR2: return "USR2";
        case SIGALRM: return "ALRM";
        case SIGCONT: return "CONT";
        case SIGTSTP: return "TSTP";
        case SIGTTIN: return "TTIN";
        case SIGTTOU: return "TTOU";
        case SIGVTALRM: return "VTALRM";
        case SIGPROF: return "PROF";
        case SIGXCPU: return "XCPU";
        case SIGXFSZ: return "XFSZ";
        case SIGIO: return "IO";
        case SIGPWR: return "PWR";
        case SIGSYS: return "SYS";
        case SIGTRAP: return "TRAP";
        case SIGABRT: return "ABRT";
        case SIGKILL: return "KILL";
        case SIGWINCH: return "WINCH";
        default: break;
    }
    thread_local std::string number;
    number = std::to_string(signo);
    return number.c_str();
}

}  // namespace berth::cli
