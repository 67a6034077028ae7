// On a terminal (a pty here) berth draws docker's per-layer bars with cursor
// movement; on a pipe it prints plain lines. The console detection and the
// renderer are checked together, as `berth pull` uses them.
#include <pty.h>
#include <unistd.h>

#include <sstream>

#include <gtest/gtest.h>

#include "console.h"
#include "progress_renderer.h"

using berth::cli::Console;
using berth::cli::ProgressRenderer;

namespace {

// Console::standard() with stdout temporarily on the given descriptor.
Console console_on(int fd) {
    std::fflush(stdout);
    const int saved = ::dup(STDOUT_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    Console console = Console::standard();
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    return console;
}

const char* const kPull =
    "{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1200000,\"total\":3400000},\"id\":\"aaa\"}\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":500000,\"total\":2000000},\"id\":\"bbb\"}\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":3400000,\"total\":3400000},\"id\":\"aaa\"}\n"
    "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"aaa\"}\n";

std::string render(const Console& console) {
    std::ostringstream out;
    ProgressRenderer renderer(out, {console.out_is_terminal, console.width});
    renderer.feed(kPull);
    renderer.finish();
    return out.str();
}

}  // namespace

TEST(ProgressOnTerminal, PtyGetsBarsAndCursorMovement) {
    int master = -1;
    int slave = -1;
    struct winsize size {};
    size.ws_col = 132;
    size.ws_row = 40;
    if (::openpty(&master, &slave, nullptr, nullptr, &size) != 0) GTEST_SKIP() << "no pty available";
    const Console console = console_on(slave);
    ::close(slave);
    ::close(master);
    ASSERT_TRUE(console.out_is_terminal);
    EXPECT_EQ(console.width, 132U);
    const std::string out = render(console);
    EXPECT_NE(out.find("aaa: Downloading [=================>                                 ]    1.2MB/3.4MB"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("bbb: Downloading [============>                                      ]    500kB/2MB"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("\x1b[2A"), std::string::npos) << "moves up to redraw aaa's line";
    EXPECT_NE(out.find("aaa: Pull complete"), std::string::npos);
}

TEST(ProgressOnTerminal, PtyWithoutASizeStillDrawsBarsAsDocker) {
    int master = -1;
    int slave = -1;
    if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) GTEST_SKIP() << "no pty available";
    const Console console = console_on(slave);
    ::close(slave);
    ::close(master);
    ASSERT_TRUE(console.out_is_terminal);
    EXPECT_NE(render(console).find("[=================>"), std::string::npos);
}

TEST(ProgressOnTerminal, PipeGetsPlainLines) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const Console console = console_on(fds[1]);
    ::close(fds[0]);
    ::close(fds[1]);
    ASSERT_FALSE(console.out_is_terminal);
    EXPECT_EQ(render(console),
              "latest: Pulling from library/busybox\n"
              "aaa: Downloading\n"
              "bbb: Downloading\n"
              "aaa: Pull complete\n");
}
