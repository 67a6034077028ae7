// HostConfig.RestartPolicy: validation with moby's ValidateRestartPolicy
// wording, moby's ShouldRestart decision, and the restart back-off.
#include "containers/service/restart_policy.h"
#include "containers/store/errors.h"

#include "error_text.h"

#include <gtest/gtest.h>

using namespace berth::containers;
using namespace std::chrono_literals;
using berth::test::error_text;

namespace {

std::string policy_json(const std::string &name, int count) {
    return R"({"RestartPolicy":{"Name":")" + name + R"(","MaximumRetryCount":)" + std::to_string(count) + "}}";
}

std::string parse_error(const std::string &hc) {
    return error_text<InvalidArgument>([&] { parse_restart_policy(hc); });
}

RestartPolicy policy(const std::string &name, int count = 0) {
    RestartPolicy p;
    p.name = name;
    p.maximum_retry_count = count;
    return p;
}

} // namespace

TEST(RestartPolicyParse, AbsentPolicyIsNone) {
    for (const std::string hc : {"", "{}", R"({"RestartPolicy":null})", R"({"Memory":0})"}) {
        const auto p = parse_restart_policy(hc);
        EXPECT_TRUE(p.is_none()) << hc;
        EXPECT_EQ(p.maximum_retry_count, 0) << hc;
    }
}

TEST(RestartPolicyParse, KnownPoliciesAreRead) {
    EXPECT_EQ(parse_restart_policy(policy_json("always", 0)).name, "always");
    EXPECT_EQ(parse_restart_policy(policy_json("unless-stopped", 0)).name, "unless-stopped");
    EXPECT_TRUE(parse_restart_policy(policy_json("no", 0)).is_none());
    const auto p = parse_restart_policy(policy_json("on-failure", 5));
    EXPECT_EQ(p.name, "on-failure");
    EXPECT_EQ(p.maximum_retry_count, 5);
    EXPECT_FALSE(p.is_none());
}

TEST(RestartPolicyParse, UnknownPolicyUsesMobyWording) {
    EXPECT_EQ(parse_error(policy_json("sometimes", 0)),
              "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or "
              "'unless-stopped'");
    // Names are case-sensitive in moby.
    EXPECT_NE(parse_error(policy_json("Always", 0)), "<no error>");
}

TEST(RestartPolicyParse, NegativeCountOnFailure) {
    EXPECT_EQ(parse_error(policy_json("on-failure", -1)),
              "invalid restart policy: maximum retry count cannot be negative");
}

TEST(RestartPolicyParse, CountOnlyWithOnFailure) {
    for (const std::string name : {"always", "unless-stopped", "no"})
        EXPECT_EQ(parse_error(policy_json(name, 3)),
                  "invalid restart policy: maximum retry count can only be used with 'on-failure'")
            << name;
}

// moby's ValidateRestartPolicy says both things for a negative count on a policy other than on-
// failure.
TEST(RestartPolicyParse, NegativeCountOnOtherPoliciesSaysBoth) {
    for (const std::string name : {"always", "unless-stopped", "no"})
        EXPECT_EQ(parse_error(policy_json(name, -1)),
                  "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be "
                  "negative")
            << name;
}

// moby accepts an empty Name with any MaximumRetryCount (what clients before v25 sent by default).
TEST(RestartPolicyParse, EmptyNameAcceptsAnyCount) {
    EXPECT_EQ(parse_error(policy_json("", 3)), "<no error>");
    EXPECT_EQ(parse_error(policy_json("", -1)), "<no error>");
}

TEST(RestartDecision, NoneNeverRestarts) {
    for (const std::string name : {"", "no"})
        for (int code : {0, 1, 137}) EXPECT_FALSE(should_restart(policy(name), code, false, 0)) << name << code;
}

TEST(RestartDecision, AlwaysAndUnlessStoppedRestartOnAnyExit) {
    for (const std::string name : {"always", "unless-stopped"})
        for (int code : {0, 1, 143}) EXPECT_TRUE(should_restart(policy(name), code, false, 7)) << name << code;
}

TEST(RestartDecision, UnlessStoppedHonoursManualStop) {
    EXPECT_FALSE(should_restart(policy("unless-stopped"), 0, true, 0));
    EXPECT_FALSE(should_restart(policy("unless-stopped"), 137, true, 0));
}

TEST(RestartDecision, OnFailureRestartsOnlyNonZeroExits) {
    EXPECT_FALSE(should_restart(policy("on-failure"), 0, false, 0));
    EXPECT_TRUE(should_restart(policy("on-failure"), 1, false, 0));
    // 0 means no limit.
    EXPECT_TRUE(should_restart(policy("on-failure"), 1, false, 100000));
}

TEST(RestartDecision, OnFailureStopsAtTheRetryLimit) {
    const auto p = policy("on-failure", 3);
    EXPECT_TRUE(should_restart(p, 2, false, 0));
    EXPECT_TRUE(should_restart(p, 2, false, 2));
    EXPECT_FALSE(should_restart(p, 2, false, 3));
    EXPECT_FALSE(should_restart(p, 2, false, 4));
}

TEST(RestartDecision, OnFailureHonoursManualStop) {
    EXPECT_FALSE(should_restart(policy("on-failure"), 1, true, 0));
}

// moby's RestartManager.ShouldRestart restarts "always" even when the container was stopped by hand (a
// manual stop is kept from restarting by ExitOnNext, not by ShouldRestart). That is why dockerd starts
// a stopped "always" container again when the daemon restarts, which is the documented difference from
// "unless-stopped"; restore_all() asks should_restart() with the manual-stop mark and so leaves it
// stopped.
TEST(RestartDecision, AlwaysIgnoresManualStopAsMobyDoes) {
    EXPECT_TRUE(should_restart(policy("always"), 0, true, 0));
    EXPECT_TRUE(should_restart(policy("always"), 137, true, 0));
}

TEST(RestartBackoff, StartsAtOneHundredMilliseconds) {
    EXPECT_EQ(next_backoff(0ms, 0ms), 100ms);
    EXPECT_EQ(next_backoff(0ms, 30s), 100ms);
}

TEST(RestartBackoff, DoublesUpToOneMinute) {
    std::chrono::milliseconds d{0};
    std::vector<long> seen;
    for (int i = 0; i < 12; ++i) {
        d = next_backoff(d, 1s);
        seen.push_back(static_cast<long>(d.count()));
    }
    const std::vector<long> want = {100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000};
    EXPECT_EQ(seen, want);
}

TEST(RestartBackoff, ALongRunStartsOver) {
    EXPECT_EQ(next_backoff(60s, 10s), 100ms);
    EXPECT_EQ(next_backoff(6400ms, 1h), 100ms);
    EXPECT_EQ(next_backoff(6400ms, 9999ms), 12800ms);
}
