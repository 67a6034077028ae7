#pragma once

#include <optional>

#include <termios.h>

// The local terminal during `run -t`, `attach` and `exec -t`: raw mode for
// keystrokes (restored however the command ends) and the window size sent to
// the container's pty.
namespace berth::cli {

class RawTerminal {
public:
    // Puts fd in raw mode (cfmakeraw, as docker's term.MakeRaw). Does
    // nothing when fd is not a terminal, so tests may pass pipes.
    explicit RawTerminal(int fd);
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

private:
    int fd_;
    std::optional<termios> saved_;
};

struct TerminalSize {
    unsigned height = 0;
    unsigned width = 0;
};

// The window size of fd, or nullopt when it is not a terminal.
std::optional<TerminalSize> terminal_size(int fd);

}  // namespace berth::cli
