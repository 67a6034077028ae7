// Seccomp: the builtin default profile resolved per arch/caps, user profiles
// validated with libseccomp.
#include "containers/spec/default_seccomp_profile.h"
#include "containers/spec/seccomp_profile.h"
#include "containers/spec/spec_errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::containers::spec;
using json = nlohmann::json;

namespace {

const std::vector<std::string> kDefaultCaps = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",  "CAP_FOWNER",           "CAP_MKNOD",      "CAP_NET_RAW", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETFCAP",      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",    "CAP_AUDIT_WRITE"};

json resolve_default(const std::vector<std::string> &caps, const std::string &arch = "amd64") {
    return json::parse(resolve_seccomp_profile(default_seccomp_profile_json(), {arch, caps, true}, true));
}

// Every rule that names `name`.
std::vector<json> rules_for(const json &profile, const std::string &name) {
    std::vector<json> out;
    for (const auto &rule : profile["syscalls"])
        for (const auto &n : rule["names"])
            if (n == name)
                out.push_back(rule);
    return out;
}

} // namespace

TEST(SeccompDefault, HeaderAndArchitectures) {
    auto p = resolve_default(kDefaultCaps);
    EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ERRNO");
    EXPECT_EQ(p["defaultErrnoRet"], 1);
    EXPECT_EQ(p["architectures"], json({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
    EXPECT_EQ(resolve_default(kDefaultCaps, "arm64")["architectures"], json({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
}

TEST(SeccompDefault, CommonSyscallsAllowedDangerousOnesNot) {
    auto p = resolve_default(kDefaultCaps);
    for (const char *name : {"read", "write", "openat", "execve", "chroot", "arch_prctl", "ptrace"})
        EXPECT_FALSE(rules_for(p, name).empty()) << name;
    for (const char *name : {"keyctl", "add_key", "mount", "umount2", "unshare", "setns", "reboot", "bpf",
                             "kexec_load", "init_module", "swapon", "pivot_root", "io_uring_setup", "sethostname"})
        EXPECT_TRUE(rules_for(p, name).empty()) << name;
}

TEST(SeccompDefault, CloneIsMaskedAndClone3IsEnosysWithoutSysAdmin) {
    auto p = resolve_default(kDefaultCaps);
    auto clone = rules_for(p, "clone");
    ASSERT_EQ(clone.size(), 1u);
    EXPECT_EQ(clone[0]["args"][0]["op"], "SCMP_CMP_MASKED_EQ");
    EXPECT_EQ(clone[0]["args"][0]["value"], 2114060288);
    EXPECT_EQ(clone[0]["args"][0]["index"], 0);
    auto clone3 = rules_for(p, "clone3");
    ASSERT_EQ(clone3.size(), 1u);
    EXPECT_EQ(clone3[0]["action"], "SCMP_ACT_ERRNO");
    EXPECT_EQ(clone3[0]["errnoRet"], 38);
}

TEST(SeccompDefault, SysAdminUnlocksItsGroup) {
    auto caps = kDefaultCaps;
    caps.push_back("CAP_SYS_ADMIN");
    auto p = resolve_default(caps);
    for (const char *name : {"mount", "unshare", "setns", "sethostname"})
        EXPECT_FALSE(rules_for(p, name).empty()) << name;
    auto clone = rules_for(p, "clone");
    ASSERT_EQ(clone.size(), 1u);
    EXPECT_FALSE(clone[0].contains("args"));
    EXPECT_EQ(rules_for(p, "clone3")[0]["action"], "SCMP_ACT_ALLOW");
}

TEST(SeccompDefault, ChrootFollowsTheBoundingSet) {
    EXPECT_TRUE(rules_for(resolve_default({"CAP_CHOWN"}), "chroot").empty());
}

TEST(SeccompDefault, SocketBlocksVsockAndPersonalityIsFiltered) {
    auto p = resolve_default(kDefaultCaps);
    auto socket = rules_for(p, "socket");
    ASSERT_EQ(socket.size(), 1u);
    EXPECT_EQ(socket[0]["args"][0]["op"], "SCMP_CMP_NE");
    EXPECT_EQ(socket[0]["args"][0]["value"], 40);
    EXPECT_EQ(rules_for(p, "personality").size(), 5u);
}

TEST(SeccompDefault, ArchOnlyRulesFollowTheArch) {
    EXPECT_TRUE(rules_for(resolve_default(kDefaultCaps, "arm64"), "arch_prctl").empty());
    EXPECT_TRUE(rules_for(resolve_default(kDefaultCaps), "s390_runtime_instr").empty());
}

TEST(SeccompDefault, PtraceNeedsKernel48) {
    auto p = json::parse(resolve_seccomp_profile(default_seccomp_profile_json(), {"amd64", kDefaultCaps, false}, true));
    EXPECT_TRUE(rules_for(p, "ptrace").empty());
}

TEST(SeccompDefault, NamesUnknownToLibseccompAreDropped) {
    const char *profile = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
        {"names":["read","no_such_syscall_xyz"],"action":"SCMP_ACT_ALLOW"}]})";
    auto p = json::parse(resolve_seccomp_profile(profile, {"amd64", {}, true}, true));
    EXPECT_EQ(p["syscalls"][0]["names"], json({"read"}));
}

TEST(SeccompUser, UnknownNameIsAnErrorNamingIt) {
    const char *profile = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
        {"names":["read","no_such_syscall_xyz"],"action":"SCMP_ACT_ALLOW"}]})";
    try {
        resolve_seccomp_profile(profile, {"amd64", {}, true}, false);
        FAIL();
    } catch (const SpecError &e) {
        EXPECT_EQ(e.kind(), SpecErrorKind::InvalidArgument);
        EXPECT_NE(std::string(e.what()).find("no_such_syscall_xyz"), std::string::npos);
    }
}

TEST(SeccompUser, PlainOciProfilePassesThrough) {
    const char *profile = R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
        "syscalls":[{"name":"mkdir","action":"SCMP_ACT_ERRNO","errnoRet":13}]})";
    auto p = json::parse(resolve_seccomp_profile(profile, {"amd64", {}, true}, false));
    EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ALLOW");
    EXPECT_EQ(p["architectures"], json({"SCMP_ARCH_X86_64"}));
    EXPECT_EQ(p["syscalls"][0]["names"], json({"mkdir"}));
    EXPECT_EQ(p["syscalls"][0]["errnoRet"], 13);
}

TEST(SeccompUser, MalformedProfilesAreRefused) {
    EXPECT_THROW(resolve_seccomp_profile("not json", {"amd64", {}, true}, false), SpecError);
    EXPECT_THROW(resolve_seccomp_profile(R"({"architectures":["SCMP_ARCH_X86_64"],
        "archMap":[{"architecture":"SCMP_ARCH_X86_64"}]})", {"amd64", {}, true}, false), SpecError);
    EXPECT_THROW(resolve_seccomp_profile(R"({"syscalls":[{"name":"read","names":["write"]}]})",
                                         {"amd64", {}, true}, false), SpecError);
}

// Resolutions are kept (each costs milliseconds of libseccomp lookups); a
// kept one must never answer for a different input.
TEST(SeccompKept, AKeptResolutionAnswersOnlyForTheSameInputs) {
    const auto base = resolve_default(kDefaultCaps);
    EXPECT_EQ(resolve_default(kDefaultCaps), base) << "the same inputs resolve the same twice";

    auto with_admin = kDefaultCaps;
    with_admin.push_back("CAP_SYS_ADMIN");
    EXPECT_FALSE(rules_for(resolve_default(with_admin), "mount").empty()) << "another bounding set";
    EXPECT_TRUE(rules_for(resolve_default(kDefaultCaps), "mount").empty()) << "back to the first bounding set";
    EXPECT_NE(resolve_default(kDefaultCaps, "arm64")["architectures"], base["architectures"]) << "another arch";

    const auto old_kernel =
        json::parse(resolve_seccomp_profile(default_seccomp_profile_json(), {"amd64", kDefaultCaps, false}, true));
    EXPECT_NE(old_kernel, base) << "a kernel before 4.8 (ptrace) resolves apart";
}

TEST(SeccompKept, TheBuiltinLeniencyIsNotKeptForAUserProfileOfTheSameText) {
    const char *profile = R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
        {"names":["read","no_such_syscall_kept"],"action":"SCMP_ACT_ALLOW"}]})";
    // As the builtin profile the unknown name is dropped...
    auto p = json::parse(resolve_seccomp_profile(profile, {"amd64", {}, true}, true));
    EXPECT_EQ(p["syscalls"][0]["names"], json({"read"}));
    // ...as a user's, the same text fails, every time (failures are not kept).
    for (int i = 0; i < 2; ++i)
        EXPECT_THROW(resolve_seccomp_profile(profile, {"amd64", {}, true}, false), SpecError) << "attempt " << i;
}
