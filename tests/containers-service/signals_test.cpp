// Docker's signal names (moby/sys/signal.ParseSignal): with or without
// "SIG", any case, numbers, and the real-time range.
#include "containers/service/signals.h"
#include "containers/store/errors.h"

#include "error_text.h"

#include <gtest/gtest.h>

#include <csignal>

using namespace berth::containers;
using berth::test::error_text;

TEST(SignalNames, NamesWithAndWithoutPrefixInAnyCase) {
    for (const std::string s : {"SIGTERM", "TERM", "term", "sigterm", "SigTerm", "15"})
        EXPECT_EQ(parse_signal(s), SIGTERM) << s;
    EXPECT_EQ(parse_signal("KILL"), SIGKILL);
    EXPECT_EQ(parse_signal("SIGHUP"), SIGHUP);
    EXPECT_EQ(parse_signal("usr1"), SIGUSR1);
    EXPECT_EQ(parse_signal("SIGWINCH"), SIGWINCH);
    EXPECT_EQ(parse_signal("9"), SIGKILL);
}

TEST(SignalNames, RealTimeSignals) {
    EXPECT_EQ(parse_signal("RTMIN"), SIGRTMIN);
    EXPECT_EQ(parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
    EXPECT_EQ(parse_signal("sigrtmin+1"), SIGRTMIN + 1);
    EXPECT_EQ(parse_signal("RTMAX"), SIGRTMAX);
    EXPECT_EQ(parse_signal("SIGRTMAX-1"), SIGRTMAX - 1);
}

TEST(SignalNames, NonsenseIsRefused) {
    for (const std::string s : {"", "0", "SIG", "FOO", "SIGFOO", "RTMIN-1", "RTMAX+1", "RTMIN+x", "15x", "-1"})
        EXPECT_NE(error_text<InvalidArgument>([&] { parse_signal(s); }), "<no error>") << s;
}

// moby/sys/signal (what dockerd 23+ uses) says "invalid signal: %s", lower case.
TEST(SignalNames, ErrorUsesDockerWording) {
    EXPECT_EQ(error_text<InvalidArgument>([] { parse_signal("FOO"); }), "invalid signal: FOO");
    EXPECT_EQ(error_text<InvalidArgument>([] { parse_signal("0"); }), "invalid signal: 0");
    EXPECT_EQ(error_text<InvalidArgument>([] { parse_signal("SIG"); }), "invalid signal: SIG");
}
