// Capability rules: defaults, normalisation, ALL, add-wins-over-drop, privileged.
#include "containers/spec/capabilities.h"
#include "containers/spec/spec_errors.h"

#include <gtest/gtest.h>

// How many of capabilities 0..last_cap berthd (this test) may grant.
static size_t grantable(int last_cap) {
    size_t n = 0;
    for (int i = 0; i <= last_cap; ++i)
        if ((berth::containers::spec::daemon_bounding_set() >> i) & 1u) ++n;
    return n;
}


using namespace berth::containers::spec;

namespace {
const std::vector<std::string> kDefault = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",          "CAP_NET_RAW",    "CAP_SETGID",
    "CAP_SETUID", "CAP_SETFCAP",      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
}

TEST(Capabilities, DefaultsAreDockersFourteenInOrder) {
    EXPECT_EQ(default_capabilities(), kDefault);
    EXPECT_EQ(effective_capabilities({}, {}, false, 40), kDefault);
}

TEST(Capabilities, NamesAreNormalized) {
    EXPECT_EQ(normalize_capability("net_admin", 40), "CAP_NET_ADMIN");
    EXPECT_EQ(normalize_capability("CAP_SYS_ADMIN", 40), "CAP_SYS_ADMIN");
    EXPECT_EQ(normalize_capability("all", 40), "ALL");
}

TEST(Capabilities, UnknownNameIsRefusedWithDockersWording) {
    try {
        effective_capabilities({"FOO"}, {}, false, 40);
        FAIL();
    } catch (const SpecError &e) {
        EXPECT_EQ(e.kind(), SpecErrorKind::InvalidArgument);
        EXPECT_EQ(e.http_status(), 400);
        EXPECT_STREQ(e.what(), "unknown capability: \"CAP_FOO\"");
    }
}

TEST(Capabilities, CapabilityBeyondKernelIsRefused) {
    EXPECT_THROW(normalize_capability("CAP_CHECKPOINT_RESTORE", 39), SpecError);
}

TEST(Capabilities, DropRemovesInDefaultOrderAndAddAppends) {
    auto caps = effective_capabilities({"net_admin"}, {"CHOWN", "cap_kill"}, false, 40);
    std::vector<std::string> expected(kDefault.begin() + 1, kDefault.end());
    expected.erase(std::find(expected.begin(), expected.end(), "CAP_KILL"));
    expected.push_back("CAP_NET_ADMIN");
    EXPECT_EQ(caps, expected);
}

TEST(Capabilities, AddWinsOverDropOfSameCap) {
    auto caps = effective_capabilities({"CHOWN"}, {"CHOWN"}, false, 40);
    EXPECT_EQ(caps, kDefault);
}

TEST(Capabilities, DropAllKeepsExactlyTheAdds) {
    EXPECT_EQ(effective_capabilities({"NET_BIND_SERVICE"}, {"ALL"}, false, 40),
              std::vector<std::string>{"CAP_NET_BIND_SERVICE"});
    EXPECT_TRUE(effective_capabilities({}, {"all"}, false, 40).empty());
}

TEST(Capabilities, AddAllGivesEveryCapMinusDrops) {
    auto caps = effective_capabilities({"ALL"}, {"SYS_ADMIN"}, false, 40);
    EXPECT_EQ(caps.size(), grantable(40) - 1);
    EXPECT_EQ(std::find(caps.begin(), caps.end(), "CAP_SYS_ADMIN"), caps.end());
}

TEST(Capabilities, PrivilegedGetsEveryKernelCapAndIgnoresTweaks) {
    auto caps = effective_capabilities({}, {"ALL"}, true, 40);
    EXPECT_EQ(caps.size(), grantable(40));
    EXPECT_EQ(caps.front(), "CAP_CHOWN");
    EXPECT_EQ(caps.back(), "CAP_CHECKPOINT_RESTORE");
    EXPECT_EQ(effective_capabilities({}, {}, true, 37).size(), grantable(37));
}
