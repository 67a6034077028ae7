// WWW-Authenticate parsing (RFC 7235) for the Bearer and Basic flows.
#include "registry/auth_challenge.h"

#include <gtest/gtest.h>

using namespace berth::registry;

TEST(AuthChallenge, DockerHubBearer) {
    const auto c = parse_www_authenticate(
        R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].scheme, "bearer");
    EXPECT_EQ(c[0].param("realm"), "https://auth.docker.io/token");
    EXPECT_EQ(c[0].param("service"), "registry.docker.io");
    EXPECT_EQ(c[0].param("scope"), "repository:library/busybox:pull");
}

TEST(AuthChallenge, SpacesEscapesAndCase) {
    const auto c = parse_www_authenticate(R"(BEARER  Realm = "https://a/t?x=1" , service=reg , error="insufficient_scope", note="say \"hi\"")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].scheme, "bearer");
    EXPECT_EQ(c[0].param("realm"), "https://a/t?x=1");
    EXPECT_EQ(c[0].param("service"), "reg");
    EXPECT_EQ(c[0].param("error"), "insufficient_scope");
    EXPECT_EQ(c[0].param("note"), R"(say "hi")");
}

TEST(AuthChallenge, SeveralChallengesInOneHeader) {
    const auto c = parse_www_authenticate(R"(Basic realm="basic-realm", Bearer realm="https://t/",service="s")");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].scheme, "basic");
    EXPECT_EQ(c[0].param("realm"), "basic-realm");
    EXPECT_EQ(c[1].scheme, "bearer");
    EXPECT_EQ(c[1].param("service"), "s");
}

TEST(AuthChallenge, SchemeOnlyAndToken68) {
    auto c = parse_www_authenticate("Negotiate");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_TRUE(c[0].params.empty());
    c = parse_www_authenticate("Negotiate abc==, Basic realm=x");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[1].scheme, "basic");
    EXPECT_EQ(c[1].param("realm"), "x");
    EXPECT_TRUE(parse_www_authenticate("").empty());
    EXPECT_TRUE(parse_www_authenticate("   ").empty());
}

TEST(AuthChallenge, PickPrefersBearer) {
    const auto c = pick_challenge({R"(Basic realm="r")", R"(Bearer realm="https://t/")"});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->scheme, "bearer");
    EXPECT_EQ(pick_challenge({R"(Basic realm="r")"})->scheme, "basic");
    EXPECT_FALSE(pick_challenge({}));
    EXPECT_FALSE(pick_challenge({"Negotiate"}));
}
