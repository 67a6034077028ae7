// run_stdio_session over pipes standing in for the process's stdio and a
// fake hijacked client: output framing with and without a tty, the detach
// sequence, stdin EOF, and the ways a session ends.
#include "api/stdio_session.h"

#include "fake_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <future>
#include <map>
#include <unistd.h>

using berth::api::run_stdio_session;
using berth::api::StdioSession;
using berth::test::FakeClient;

namespace {

// A pipe whose ends the test closes unless the session took them.
struct Pipe {
    int r = -1, w = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        r = fds[0];
        w = fds[1];
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe &) = delete;
    Pipe &operator=(const Pipe &) = delete;
    void close_read() {
        if (r >= 0) ::close(r);
        r = -1;
    }
    void close_write() {
        if (w >= 0) ::close(w);
        w = -1;
    }
    int give_read() { return std::exchange(r, -1); }
    int give_write() { return std::exchange(w, -1); }
    void put(const std::string &s) const { ASSERT_EQ(::write(w, s.data(), s.size()), ssize_t(s.size())); }
    // Everything until the writer closes.
    std::string drain() const {
        std::string out;
        char buf[256];
        for (;;) {
            const ssize_t n = ::read(r, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return out;
            out.append(buf, static_cast<size_t>(n));
        }
    }
};

bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

// The stdcopy frames of a multiplexed stream, payloads joined per stream.
std::map<int, std::string> demux(const std::string &s) {
    std::map<int, std::string> out;
    size_t pos = 0;
    while (pos + 8 <= s.size()) {
        const auto *h = reinterpret_cast<const unsigned char *>(s.data() + pos);
        EXPECT_TRUE(h[1] == 0 && h[2] == 0 && h[3] == 0) << "bad header at " << pos;
        const size_t len = (size_t(h[4]) << 24) | (size_t(h[5]) << 16) | (size_t(h[6]) << 8) | size_t(h[7]);
        EXPECT_LE(pos + 8 + len, s.size()) << "truncated frame at " << pos;
        out[h[0]] += s.substr(pos + 8, len);
        pos += 8 + len;
    }
    EXPECT_EQ(pos, s.size()) << "trailing bytes";
    return out;
}

const std::vector<unsigned char> kCtrlPQ = {16, 17};

// Runs the session on its own thread, as the HTTP server does.
class SessionRun {
public:
    SessionRun(FakeClient &client, StdioSession s)
        : result_(std::async(std::launch::async, [&client, s]() mutable { return run_stdio_session(client, s); })) {}
    // The session's result. A session that never ends is a failure, not a
    // hung suite: the caller's unblock() then ends it.
    std::optional<bool> get(const std::function<void()> &unblock) {
        if (result_.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
            ADD_FAILURE() << "the session did not end";
            unblock();
            result_.get();
            return std::nullopt;
        }
        return result_.get();
    }

private:
    std::future<bool> result_;
};

} // namespace

TEST(StdioSession, NonTtyOutputIsFramedPerStream) {
    FakeClient client;
    Pipe out, err;
    out.put("hello ");
    err.put("oops");
    out.put("world");
    out.close_write();
    err.close_write();
    StdioSession s;
    s.out_fd = out.r;
    s.err_fd = err.r;
    EXPECT_FALSE(run_stdio_session(client, s));
    EXPECT_FALSE(fd_is_open(out.r));
    EXPECT_FALSE(fd_is_open(err.r));
    out.r = err.r = -1; // the session closed them
    const auto streams = demux(client.output());
    EXPECT_EQ(streams.size(), 2u);
    EXPECT_EQ(streams.count(1) ? streams.at(1) : "", "hello world");
    EXPECT_EQ(streams.count(2) ? streams.at(2) : "", "oops");
}

TEST(StdioSession, TtyOutputIsRaw) {
    FakeClient client;
    Pipe out;
    const std::string bytes("\x01\x00prompt$ \r\n", 12);
    out.put(bytes);
    out.close_write();
    StdioSession s;
    s.out_fd = out.give_read();
    s.tty = true;
    EXPECT_FALSE(run_stdio_session(client, s));
    EXPECT_EQ(client.output(), bytes);
}

TEST(StdioSession, DetachSequenceEndsTheSessionAndIsNotForwarded) {
    FakeClient client;
    Pipe out, in; // out stays open: the process keeps running
    std::atomic<int> eofs{0};
    StdioSession s;
    s.out_fd = out.give_read();
    s.in_fd = in.give_write();
    s.detach_keys = kCtrlPQ;
    s.on_stdin_eof = [&] { ++eofs; };
    SessionRun run(client, s);
    client.type("ab\x10");
    client.type("\x11" "cd"); // the sequence split across reads; "cd" follows it
    const auto detached = run.get([&] { client.close_input(); out.close_write(); });
    EXPECT_EQ(detached, std::optional<bool>(true));
    EXPECT_EQ(in.drain(), "ab"); // and EOF: the session closed its stdin end
    EXPECT_EQ(eofs, 0);          // a detach is not the end of the client's input
    EXPECT_EQ(client.output(), "");
}

TEST(StdioSession, CustomDetachKeys) {
    FakeClient client;
    Pipe out, in;
    StdioSession s;
    s.out_fd = out.give_read();
    s.in_fd = in.give_write();
    s.tty = true;
    s.detach_keys = {'a', 24};
    SessionRun run(client, s);
    client.type("xyz\x10\x11" "a\x18" "more");
    EXPECT_EQ(run.get([&] { client.close_input(); out.close_write(); }), std::optional<bool>(true));
    EXPECT_EQ(in.drain(), "xyz\x10\x11");
}

TEST(StdioSession, PartialSequenceThenOtherBytesIsForwardedIntact) {
    FakeClient client;
    Pipe out, in;
    std::promise<void> eof;
    std::atomic<int> eofs{0};
    StdioSession s;
    s.out_fd = out.give_read();
    s.in_fd = in.give_write();
    s.detach_keys = kCtrlPQ;
    s.on_stdin_eof = [&] {
        if (++eofs == 1) eof.set_value();
    };
    SessionRun run(client, s);
    client.type("x\x10");
    client.type("y");          // ctrl-p then not ctrl-q: both go through
    client.type("\x11z\x10\x10"); // a lone ctrl-q, and ctrl-p ctrl-p
    client.type("w");
    client.close_input();
    EXPECT_EQ(in.drain(), "x\x10y\x11z\x10\x10w"); // then EOF: stdin closed
    EXPECT_EQ(eof.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);
    // The process still runs: stdin EOF alone does not end the session.
    out.put("bye");
    out.close_write();
    EXPECT_EQ(run.get([] {}), std::optional<bool>(false));
    EXPECT_EQ(eofs, 1);
    EXPECT_EQ(demux(client.output())[1], "bye");
}

TEST(StdioSession, WithoutDetachKeysEverythingIsForwarded) {
    FakeClient client;
    Pipe out, in;
    StdioSession s;
    s.out_fd = out.give_read();
    s.in_fd = in.give_write();
    SessionRun run(client, s);
    client.type("\x10\x11");
    client.close_input();
    EXPECT_EQ(in.drain(), "\x10\x11");
    out.close_write();
    EXPECT_EQ(run.get([] {}), std::optional<bool>(false));
}

TEST(StdioSession, OutputEndEndsTheSessionWhileTheClientStaysConnected) {
    FakeClient client;
    Pipe out, in;
    std::atomic<int> eofs{0};
    StdioSession s;
    s.out_fd = out.give_read();
    s.in_fd = in.give_write();
    s.detach_keys = kCtrlPQ;
    s.on_stdin_eof = [&] { ++eofs; };
    out.put("done\n");
    out.close_write(); // the process exited; the client never closes its side
    SessionRun run(client, s);
    EXPECT_EQ(run.get([&] { client.close_input(); }), std::optional<bool>(false));
    EXPECT_EQ(in.drain(), ""); // stdin closed by the session
    EXPECT_EQ(demux(client.output())[1], "done\n");
}

TEST(StdioSession, ClientGoneEndsTheSession) {
    FakeClient client;
    Pipe out, in; // the process keeps running and writing
    StdioSession s;
    s.out_fd = out.give_read();
    s.in_fd = in.give_write();
    s.detach_keys = kCtrlPQ;
    client.disconnect();
    SessionRun run(client, s);
    out.put("nobody reads this");
    EXPECT_EQ(run.get([&] { client.close_input(); out.close_write(); }), std::optional<bool>(false));
    EXPECT_EQ(in.drain(), ""); // stdin closed by the session
    EXPECT_EQ(client.output(), "");
}
