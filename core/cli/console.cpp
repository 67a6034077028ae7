#include "console.h"

#include <iostream>

#include <sys/ioctl.h>
#include <unistd.h>

namespace berth::cli {

Console Console::standard() {
    Console c;
    c.out = &std::cout;
    c.err = &std::cerr;
    c.in = &std::cin;
    c.in_fd = STDIN_FILENO;
    c.out_is_terminal = ::isatty(STDOUT_FILENO) == 1;
    c.in_is_terminal = ::isatty(STDIN_FILENO) == 1;
    winsize size{};
    if (c.out_is_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
        c.width = size.ws_col;
        c.height = size.ws_row;
    }
    return c;
}

}  // namespace berth::cli
