#include "terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace berth::cli {

RawTerminal::RawTerminal(int fd) : fd_(fd) {
    termios state{};
    if (fd < 0 || ::tcgetattr(fd, &state) != 0) return;
    saved_ = state;
    ::cfmakeraw(&state);
    ::tcsetattr(fd, TCSANOW, &state);
}

RawTerminal::~RawTerminal() {
    if (saved_) ::tcsetattr(fd_, TCSANOW, &*saved_);
}

std::optional<TerminalSize> terminal_size(int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return std::nullopt;
    return TerminalSize{size.ws_row, size.ws_col};
}

}  // namespace berth::cli
