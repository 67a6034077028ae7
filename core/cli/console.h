#pragma once

#include <iosfwd>

// The streams a command talks to the user through, and whether they are
// terminals. Commands never use std::cout/std::cin directly so tests can run
// them in-process against string streams and pretend to be (or not be) a
// terminal; main() uses Console::standard().
namespace berth::cli {

struct Console {
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
    std::istream* in = nullptr;
    // Raw stdin for bodies too large for an istream round trip (`load` with
    // no -i, `import -`). -1 in tests that do not use it.
    int in_fd = -1;
    bool out_is_terminal = false;
    bool in_is_terminal = false;
    // Terminal columns, 0 when unknown; progress bars need more than 110.
    unsigned width = 0;
    // Terminal rows, 0 when unknown; sent to containers with a tty.
    unsigned height = 0;

    // The process's stdin/stdout/stderr, with isatty() and the window size.
    static Console standard();
};

}  // namespace berth::cli
