// The CLI's pure parts: daemon address parsing and docker-style tables.
#include "daemon_address.h"
#include "errors.h"
#include "text_table.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

using namespace berth::cli;

TEST(DaemonAddress, ParsesUnixAndTcp) {
    const auto u = DaemonAddress::parse("unix:///run/berth/berth.sock");
    EXPECT_EQ(u.kind, DaemonAddress::Kind::Unix);
    EXPECT_EQ(u.socket_path, "/run/berth/berth.sock");
    const auto t = DaemonAddress::parse("tcp://127.0.0.1:2376");
    EXPECT_EQ(t.kind, DaemonAddress::Kind::Tcp);
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, "2376");
    const auto v6 = DaemonAddress::parse("tcp://[::1]:2376");
    EXPECT_EQ(v6.host, "::1");
}

TEST(DaemonAddress, RefusesOtherSchemes) {
    EXPECT_THROW(DaemonAddress::parse("foo://x"), UsageError);
    EXPECT_THROW(DaemonAddress::parse("unix://relative"), UsageError);
}

TEST(DaemonAddress, FlagBeatsEnvironmentBeatsDefault) {
    ::unsetenv("BERTH_HOST");
    EXPECT_EQ(choose_daemon_host(""), std::string(kDefaultDaemonHost));
    ::setenv("BERTH_HOST", "tcp://127.0.0.1:1", 1);
    EXPECT_EQ(choose_daemon_host(""), "tcp://127.0.0.1:1");
    EXPECT_EQ(choose_daemon_host("unix:///x.sock"), "unix:///x.sock");
    ::unsetenv("BERTH_HOST");
}

TEST(TextTable, AlignsColumnsWithoutTrailingPadding) {
    TextTable t({"NAME", "STATE"});
    t.add_row({"storage-overlay2", "active"});
    t.add_row({"x", "rejected"});
    std::ostringstream out;
    t.print(out);
    EXPECT_EQ(out.str(),
              "NAME              STATE\n"
              "storage-overlay2  active\n"
              "x                 rejected\n");
}
