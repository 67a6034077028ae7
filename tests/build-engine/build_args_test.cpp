// ARG and --build-arg: meta args, stage declarations, ENV precedence,
// proxies, unconsumed args.
#include "build/engine/build_args.h"

#include <gtest/gtest.h>

namespace berth::build {
namespace {

using Given = std::map<std::string, std::optional<std::string>>;

TEST(BuildArgs, GivenValueBeatsTheDefault) {
    BuildArgs args(Given{{"A", "given"}});
    args.begin_stage();
    EXPECT_EQ(args.declare("A", std::string("default")), "given");
    EXPECT_EQ(args.declare("B", std::string("default")), "default");
    EXPECT_EQ(args.declare("C", std::nullopt), std::nullopt);
    EXPECT_EQ(args.value("A"), "given");
    EXPECT_EQ(args.value("C"), std::nullopt);
    EXPECT_EQ(args.value("undeclared"), std::nullopt);
}

TEST(BuildArgs, NullGivenValueKeepsTheDefault) {
    BuildArgs args(Given{{"A", std::nullopt}});
    args.begin_stage();
    EXPECT_EQ(args.declare("A", std::string("d")), "d");
}

TEST(BuildArgs, MetaArgsReachStagesOnlyWhenRedeclared) {
    BuildArgs args(Given{{"V", "2"}});
    args.declare_meta("BASE", std::string("busybox"));
    args.declare_meta("V", std::string("1"));
    EXPECT_EQ(args.meta_values().at("BASE"), "busybox");
    EXPECT_EQ(args.meta_values().at("V"), "2");
    args.begin_stage();
    EXPECT_EQ(args.value("BASE"), std::nullopt); // not declared in the stage yet
    EXPECT_EQ(args.declare("BASE", std::nullopt), "busybox");
    args.begin_stage(); // a new stage forgets it again
    EXPECT_EQ(args.value("BASE"), std::nullopt);
}

TEST(BuildArgs, DeclaredEnvIsSortedAndLeavesOutNamesEnvSets) {
    BuildArgs args(Given{{"B", "2"}});
    args.begin_stage();
    args.declare("B", std::nullopt);
    args.declare("A", std::string("1"));
    args.declare("C", std::string("3"));
    args.declare("NOVALUE", std::nullopt);
    EXPECT_EQ(args.declared_env({"PATH=/bin", "C=from-env"}), (std::vector<std::string>{"A=1", "B=2"}));
}

TEST(BuildArgs, ProxyArgsNeedNoDeclarationAndAreNeverUnconsumed) {
    BuildArgs args(Given{{"HTTP_PROXY", "http://127.0.0.1:3128"}, {"UNUSED", "x"}, {"USED", "y"}});
    args.begin_stage();
    args.declare("USED", std::nullopt);
    EXPECT_EQ(args.value("HTTP_PROXY"), "http://127.0.0.1:3128");
    EXPECT_EQ(args.proxy_env(), (std::vector<std::string>{"HTTP_PROXY=http://127.0.0.1:3128"}));
    EXPECT_EQ(args.unconsumed(), (std::vector<std::string>{"UNUSED"}));
    EXPECT_TRUE(BuildArgs::is_predefined("no_proxy"));
    EXPECT_FALSE(BuildArgs::is_predefined("PROXY"));
}

} // namespace
} // namespace berth::build
