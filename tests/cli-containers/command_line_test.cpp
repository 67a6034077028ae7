// The `run`/`create` command line as CLI11 parses it: flags stop at the
// image name (the command keeps its own flags), -h is --hostname, repeated
// flags take one value each, and "set to empty" differs from "not given".
#include "commands/container_create_flags.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

using namespace berth::cli;

namespace {

ContainerCreateOptions parse(std::vector<std::string> args) {
    CLI::App app("test");
    ContainerCreateOptions options;
    const auto finish = add_create_flags(app, options, true);
    std::reverse(args.begin(), args.end());  // CLI11 takes them back to front
    app.parse(args);
    finish();
    return options;
}

}  // namespace

TEST(RunCommandLine, FlagsStopAtTheImage) {
    const auto o = parse({"-d", "--name", "web", "-e", "A=1", "-e", "B=2", "-h", "box", "-c", "512", "busybox", "sh",
                          "-c", "echo hi", "-e"});
    EXPECT_TRUE(o.detach);
    EXPECT_EQ(o.name, "web");
    EXPECT_EQ(o.env, (std::vector<std::string>{"A=1", "B=2"}));
    EXPECT_EQ(o.hostname, "box");
    EXPECT_EQ(o.cpu_shares, 512);
    EXPECT_EQ(o.image, "busybox");
    EXPECT_EQ(o.args, (std::vector<std::string>{"sh", "-c", "echo hi", "-e"}));
}

TEST(RunCommandLine, OptionalValuesAreKnownOnlyWhenGiven) {
    auto o = parse({"busybox"});
    EXPECT_FALSE(o.entrypoint);
    EXPECT_FALSE(o.stop_timeout);
    EXPECT_FALSE(o.pids_limit);
    EXPECT_FALSE(o.health_cmd);
    EXPECT_TRUE(o.sig_proxy);
    o = parse({"--entrypoint", "", "--stop-timeout", "0", "--pids-limit", "-1", "--health-cmd", "true",
               "--sig-proxy=false", "-it", "--rm", "-p", "80:80", "-p", "443", "-v", "/a:/b", "busybox"});
    EXPECT_EQ(o.entrypoint, std::optional<std::string>(""));
    EXPECT_EQ(o.stop_timeout, std::optional<int>(0));
    EXPECT_EQ(o.pids_limit, std::optional<std::int64_t>(-1));
    EXPECT_EQ(o.health_cmd, std::optional<std::string>("true"));
    EXPECT_FALSE(o.sig_proxy);
    EXPECT_TRUE(o.interactive);
    EXPECT_TRUE(o.tty);
    EXPECT_TRUE(o.auto_remove);
    EXPECT_EQ(o.publish, (std::vector<std::string>{"80:80", "443"}));
    EXPECT_EQ(o.volumes, (std::vector<std::string>{"/a:/b"}));
}

TEST(RunCommandLine, ImageIsRequired) { EXPECT_THROW(parse({"-d"}), CLI::ParseError); }
