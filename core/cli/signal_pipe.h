#pragma once

#include <csignal>
#include <vector>

// Signals as readable events: while a SignalPipe exists, each listed signal
// writes its number (one byte) to a pipe that a poll() loop can watch, and
// is not otherwise acted on. `run` uses it to forward signals to the
// container (sig-proxy) and to notice SIGWINCH. The previous handlers come
// back when it is destroyed. One at a time per process.
namespace berth::cli {

class SignalPipe {
public:
    explicit SignalPipe(const std::vector<int>& signals);
    ~SignalPipe();
    SignalPipe(const SignalPipe&) = delete;
    SignalPipe& operator=(const SignalPipe&) = delete;

    int read_fd() const { return fds_[0]; }

    // Next pending signal, or 0 if none (non-blocking).
    int next();

private:
    int fds_[2] = {-1, -1};
    std::vector<std::pair<int, struct sigaction>> previous_;
};

// The signals docker's sig-proxy forwards: every catchable one except those
// about the CLI's own terminal and children (CHLD, PIPE, URG, WINCH).
std::vector<int> proxied_signals();

// "INT" for SIGINT, as the kill endpoint's signal= takes; the number as text
// for signals without a name.
const char* signal_name(int signo);

}  // namespace berth::cli
