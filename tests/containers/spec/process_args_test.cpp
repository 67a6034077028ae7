// Env merge and Entrypoint/Cmd merge.
#include "containers/spec/process_args.h"
#include "containers/spec/spec_errors.h"

#include <gtest/gtest.h>

using namespace berth::containers::spec;
using Strings = std::vector<std::string>;

TEST(ProcessEnv, PathDefaultAndHostname) {
    EXPECT_EQ(build_process_env("abc", false, {}), (Strings{kDefaultPath, "HOSTNAME=abc"}));
    EXPECT_EQ(build_process_env("abc", true, {}), (Strings{kDefaultPath, "HOSTNAME=abc", "TERM=xterm"}));
}

TEST(ProcessEnv, ImagePathReplacesDefaultInPlace) {
    auto env = build_process_env("h", false, {"PATH=/opt/bin", "A=1"});
    EXPECT_EQ(env, (Strings{"PATH=/opt/bin", "HOSTNAME=h", "A=1"}));
}

TEST(ProcessEnv, BareKeyDeletes) {
    auto env = build_process_env("h", true, {"TERM", "B=2"});
    EXPECT_EQ(env, (Strings{kDefaultPath, "HOSTNAME=h", "B=2"}));
}

TEST(ProcessEnv, ContainerWinsByKey) {
    auto merged = merge_container_env({"A=user", "C=3"}, {"PATH=/img", "A=image", "B=2"});
    EXPECT_EQ(merged, (Strings{"A=user", "C=3", "PATH=/img", "B=2"}));
}

TEST(ProcessArgs, ImageEntrypointAndCmd) {
    EXPECT_EQ(build_args(std::nullopt, {}, {"/entry"}, {"a", "b"}), (Strings{"/entry", "a", "b"}));
}

TEST(ProcessArgs, UserCmdReplacesImageCmd) {
    EXPECT_EQ(build_args(std::nullopt, {"x"}, {"/entry"}, {"a"}), (Strings{"/entry", "x"}));
}

TEST(ProcessArgs, UserEntrypointDropsImageCmd) {
    EXPECT_EQ(build_args(Strings{"/bin/sh"}, {}, {"/entry"}, {"a"}), (Strings{"/bin/sh"}));
    EXPECT_EQ(build_args(Strings{"/bin/sh"}, {"-c", "x"}, {"/entry"}, {"a"}), (Strings{"/bin/sh", "-c", "x"}));
}

TEST(ProcessArgs, EmptyStringEntrypointClearsIt) {
    EXPECT_EQ(build_args(Strings{""}, {"ls"}, {"/entry"}, {"a"}), (Strings{"ls"}));
}

TEST(ProcessArgs, NothingToRunIsRefused) {
    try {
        build_args(std::nullopt, {}, {}, {});
        FAIL();
    } catch (const SpecError &e) {
        EXPECT_STREQ(e.what(), "No command specified");
    }
}
