// build_spec: the whole config.json for create requests, with host facts
// pinned so the expectations do not depend on this machine.
#include "containers/spec/capabilities.h"
#include "containers/spec/build_spec.h"
#include "containers/spec/spec_errors.h"
#include "test_rootfs.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

// How many of capabilities 0..last_cap berthd (this test) may grant.
static size_t grantable(int last_cap) {
    size_t n = 0;
    for (int i = 0; i <= last_cap; ++i)
        if ((berth::containers::spec::daemon_bounding_set() >> i) & 1u) ++n;
    return n;
}


using namespace berth::containers::spec;
using berth::containers::spec::test::TempRootfs;
using json = nlohmann::json;

namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class BuildSpec : public ::testing::Test {
protected:
    void SetUp() override {
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
        root.write("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        input.image.config_json = R"({"Env":["PATH=/img/bin","IMG=1"],"Cmd":["sh"]})";
        input.host.rootfs_path = root.path();
        input.host.container_id = kId;
        input.host.hosts_path = "/c/hosts";
        input.host.resolv_conf_path = "/c/resolv.conf";
        input.host.hostname_path = "/c/hostname";
        input.host.cgroup_parent = "/docker";
        input.host.apparmor_enabled = false;
        input.host.cap_last_cap = 40;
        input.host.kernel_at_least_4_8 = true;
        input.host.swap_limit_supported = true;
        input.host.blkio_weight_supported = true;
        input.host.host_cpus = 4;
        input.host.thermal_throttle_paths = std::vector<std::string>{};
        input.host.default_sysctls_present =
            std::vector<std::string>{"net.ipv4.ip_unprivileged_port_start", "net.ipv4.ping_group_range"};
        input.host.arch = "amd64";
    }
    json build(const std::string &body) {
        input.create_body = body;
        return json::parse(build_spec(input));
    }
    SpecError error(const std::string &body) {
        input.create_body = body;
        try {
            build_spec(input);
        } catch (const SpecError &e) {
            return e;
        }
        ADD_FAILURE() << "no error for " << body;
        return SpecError(SpecErrorKind::InvalidArgument, "");
    }
    TempRootfs root;
    SpecInput input;
};

const json kDefaultCaps = {"CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",     "CAP_FOWNER",
                           "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",     "CAP_SETUID",
                           "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
                           "CAP_KILL",    "CAP_AUDIT_WRITE"};

} // namespace

TEST_F(BuildSpec, DefaultRunMatchesDocker) {
    auto s = build("{}");
    EXPECT_EQ(s["ociVersion"], "1.2.1");
    EXPECT_EQ(s["hostname"], "0123456789ab");
    EXPECT_EQ(s["root"], json({{"path", root.path()}}));
    const auto &p = s["process"];
    EXPECT_EQ(p["terminal"], false);
    EXPECT_EQ(p["args"], json({"sh"}));
    EXPECT_EQ(p["cwd"], "/");
    EXPECT_EQ(p["env"], json({"PATH=/img/bin", "HOSTNAME=0123456789ab", "IMG=1"}));
    EXPECT_EQ(p["user"], json({{"uid", 0}, {"gid", 0}, {"additionalGids", {0}}}));
    EXPECT_EQ(p["capabilities"]["bounding"], kDefaultCaps);
    EXPECT_EQ(p["capabilities"]["effective"], kDefaultCaps);
    EXPECT_EQ(p["capabilities"]["permitted"], kDefaultCaps);
    EXPECT_FALSE(p["capabilities"].contains("inheritable"));
    EXPECT_FALSE(p["capabilities"].contains("ambient"));
    EXPECT_FALSE(p.contains("noNewPrivileges"));
    EXPECT_FALSE(p.contains("apparmorProfile"));
    EXPECT_FALSE(p.contains("rlimits"));
    EXPECT_EQ(p["oomScoreAdj"], 0);
    EXPECT_EQ(s["mounts"].size(), 10u);

    const auto &l = s["linux"];
    EXPECT_EQ(l["cgroupsPath"], "/docker/" + kId);
    EXPECT_EQ(l["namespaces"], json::parse(R"([{"type":"mount"},{"type":"network"},{"type":"uts"},{"type":"pid"},{"type":"ipc"}])"));
    EXPECT_EQ(l["sysctl"], json({{"net.ipv4.ip_unprivileged_port_start", "0"},
                                 {"net.ipv4.ping_group_range", "0 2147483647"}}));
    EXPECT_EQ(l["resources"]["devices"], json::parse(R"([
        {"allow":false,"access":"rwm"},
        {"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},
        {"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
        {"allow":true,"type":"c","major":1,"minor":9,"access":"rwm"},
        {"allow":true,"type":"c","major":1,"minor":8,"access":"rwm"},
        {"allow":true,"type":"c","major":5,"minor":0,"access":"rwm"},
        {"allow":true,"type":"c","major":5,"minor":1,"access":"rwm"},
        {"allow":false,"type":"c","major":10,"minor":229,"access":"rwm"}])"));
    EXPECT_EQ(l["resources"]["memory"], json({{"disableOOMKiller", false}}));
    EXPECT_EQ(l["resources"]["blockIO"], json::object());
    EXPECT_FALSE(l["resources"].contains("cpu"));
    EXPECT_FALSE(l["resources"].contains("pids"));
    EXPECT_FALSE(l.contains("devices"));
    EXPECT_EQ(l["seccomp"]["defaultAction"], "SCMP_ACT_ERRNO");
    EXPECT_EQ(l["maskedPaths"], json({"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
                                      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                      "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
                                      "/sys/devices/virtual/powercap"}));
    EXPECT_EQ(l["readonlyPaths"], json({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}));
}

TEST_F(BuildSpec, ThermalThrottlePathsFollowTheDefaults) {
    input.host.thermal_throttle_paths = std::vector<std::string>{"/sys/devices/system/cpu/cpu0/thermal_throttle"};
    auto masked = build("{}")["linux"]["maskedPaths"];
    EXPECT_EQ(masked.size(), 13u);
    EXPECT_EQ(masked.back(), "/sys/devices/system/cpu/cpu0/thermal_throttle");
}

TEST_F(BuildSpec, CgroupV2AddsCgroupNamespace) {
    input.host.cgroup_v2 = true;
    EXPECT_EQ(build("{}")["linux"]["namespaces"].back(), json({{"type", "cgroup"}}));
}

TEST_F(BuildSpec, CgroupParentAndSystemdDriver) {
    EXPECT_EQ(build(R"({"HostConfig":{"CgroupParent":"berth-test-x"}})")["linux"]["cgroupsPath"],
              "/berth-test-x/" + kId);
    input.host.cgroup_driver = CgroupDriver::Systemd;
    EXPECT_EQ(build("{}")["linux"]["cgroupsPath"], "system.slice:docker:" + kId);
    EXPECT_EQ(error(R"({"HostConfig":{"CgroupParent":"foo"}})").http_status(), 400);
}

TEST_F(BuildSpec, HostnameEnvTtyAndWorkdir) {
    auto s = build(R"({"Hostname":"web","Tty":true,"Env":["IMG=user","PATH"],"WorkingDir":"/srv"})");
    EXPECT_EQ(s["hostname"], "web");
    EXPECT_EQ(s["process"]["terminal"], true);
    EXPECT_EQ(s["process"]["env"], json({"HOSTNAME=web", "TERM=xterm", "IMG=user"}));
    EXPECT_EQ(s["process"]["cwd"], "/srv");
    EXPECT_EQ(error(R"({"WorkingDir":"rel"})").http_status(), 400);
}

TEST_F(BuildSpec, ImageWithoutPathGetsTheDefault) {
    input.image.config_json = R"({"Cmd":["sh"]})";
    EXPECT_EQ(build("{}")["process"]["env"][0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
}

TEST_F(BuildSpec, EntrypointCmdMerge) {
    input.image.config_json = R"({"Entrypoint":["/e"],"Cmd":["c"]})";
    EXPECT_EQ(build("{}")["process"]["args"], json({"/e", "c"}));
    EXPECT_EQ(build(R"({"Cmd":["x"]})")["process"]["args"], json({"/e", "x"}));
    EXPECT_EQ(build(R"({"Entrypoint":["/bin/sh"],"Cmd":null})")["process"]["args"], json({"/bin/sh"}));
    input.image.config_json = "{}";
    EXPECT_STREQ(error("{}").what(), "No command specified");
}

TEST_F(BuildSpec, UserFromRequestOrImage) {
    EXPECT_EQ(build(R"({"User":"nobody"})")["process"]["user"],
              json({{"uid", 65534}, {"gid", 65534}, {"additionalGids", {65534}}}));
    input.image.config_json = R"({"Cmd":["sh"],"User":"1000:1000"})";
    EXPECT_EQ(build("{}")["process"]["user"]["uid"], 1000);
    EXPECT_STREQ(error(R"({"User":"ghost"})").what(), "unable to find user ghost: no matching entries in passwd file");
}

TEST_F(BuildSpec, Privileged) {
    auto s = build(R"({"HostConfig":{"Privileged":true,"CapDrop":["ALL"]}})");
    EXPECT_EQ(s["process"]["capabilities"]["bounding"].size(), grantable(40));
    EXPECT_FALSE(s["linux"].contains("seccomp"));
    EXPECT_EQ(s["linux"]["maskedPaths"], json::array());
    EXPECT_EQ(s["linux"]["readonlyPaths"], json::array());
    EXPECT_EQ(s["linux"]["resources"]["devices"], json::parse(R"([{"allow":true,"access":"rwm"}])"));
    for (const auto &m : s["mounts"])
        if (m["destination"] == "/sys") {
            EXPECT_EQ(m["options"], json({"nosuid", "noexec", "nodev"}));
        }
}

TEST_F(BuildSpec, CapAddDrop) {
    auto s = build(R"({"HostConfig":{"CapAdd":["NET_BIND_SERVICE"],"CapDrop":["ALL"]}})");
    EXPECT_EQ(s["process"]["capabilities"]["effective"], json({"CAP_NET_BIND_SERVICE"}));
    // chroot is gated by CAP_SYS_CHROOT, no longer in the bounding set
    for (const auto &rule : s["linux"]["seccomp"]["syscalls"])
        for (const auto &name : rule["names"])
            EXPECT_NE(name, "chroot");
    EXPECT_STREQ(error(R"({"HostConfig":{"CapAdd":["bogus"]}})").what(), "unknown capability: \"CAP_BOGUS\"");
}

TEST_F(BuildSpec, ReadOnlyRootfs) {
    auto s = build(R"({"HostConfig":{"ReadonlyRootfs":true}})");
    EXPECT_EQ(s["root"]["readonly"], true);
    for (const auto &m : s["mounts"])
        if (m["destination"] == "/etc/hosts") {
            EXPECT_EQ(m["options"], json({"rbind", "rprivate", "ro"}));
        }
}

TEST_F(BuildSpec, TmpfsAndBinds) {
    auto s = build(R"({"HostConfig":{"Tmpfs":{"/run":"size=1m"},"Binds":["/srv/data:/data:ro"]}})");
    auto mounts = s["mounts"];
    ASSERT_EQ(mounts.size(), 12u);
    EXPECT_EQ(mounts[7], json::parse(R"({"destination":"/run","type":"tmpfs","source":"tmpfs",
        "options":["noexec","nosuid","nodev","rprivate","size=1m"]})"));
    EXPECT_EQ(mounts[8], json::parse(R"({"destination":"/data","type":"bind","source":"/srv/data",
        "options":["rbind","ro","rprivate"]})"));
}

TEST_F(BuildSpec, Init) {
    auto s = build(R"({"HostConfig":{"Init":true}})");
    EXPECT_EQ(s["process"]["args"], json({"/sbin/docker-init", "--", "sh"}));
    EXPECT_EQ(s["mounts"][7], json::parse(R"({"destination":"/sbin/docker-init","type":"bind",
        "source":"/usr/bin/tini-static","options":["bind","ro"]})"));
    // no private pid namespace, no init
    EXPECT_EQ(build(R"({"HostConfig":{"Init":true,"PidMode":"host"}})")["process"]["args"], json({"sh"}));
}

TEST_F(BuildSpec, ShmSize) {
    auto s = build(R"({"HostConfig":{"ShmSize":1048576}})");
    EXPECT_EQ(s["mounts"][6]["options"].back(), "size=1048576");
    EXPECT_EQ(error(R"({"HostConfig":{"ShmSize":-1}})").http_status(), 400);
}

TEST_F(BuildSpec, MemoryAndSwap) {
    auto r = build(R"({"HostConfig":{"Memory":67108864}})")["linux"]["resources"]["memory"];
    EXPECT_EQ(r, json({{"limit", 67108864}, {"swap", 134217728}, {"disableOOMKiller", false}}));
    r = build(R"({"HostConfig":{"Memory":67108864,"MemorySwap":-1}})")["linux"]["resources"]["memory"];
    EXPECT_FALSE(r.contains("swap"));
    r = build(R"({"HostConfig":{"Memory":67108864,"MemorySwap":100000000}})")["linux"]["resources"]["memory"];
    EXPECT_EQ(r["swap"], 100000000);
    input.host.swap_limit_supported = false;
    EXPECT_FALSE(build(R"({"HostConfig":{"Memory":67108864}})")["linux"]["resources"]["memory"].contains("swap"));
    EXPECT_STREQ(error(R"({"HostConfig":{"Memory":1000}})").what(), "Minimum memory limit allowed is 6MB");
    EXPECT_STREQ(error(R"({"HostConfig":{"Memory":67108864,"MemorySwap":7000000}})").what(),
                 "Minimum memoryswap limit should be larger than memory limit, see usage");
}

TEST_F(BuildSpec, CpuPidsBlkio) {
    auto r = build(R"({"HostConfig":{"NanoCpus":1500000000,"CpuShares":512,"PidsLimit":100,"BlkioWeight":300}})")
                 ["linux"]["resources"];
    EXPECT_EQ(r["cpu"], json({{"shares", 512}, {"quota", 150000}, {"period", 100000}}));
    EXPECT_EQ(r["pids"], json({{"limit", 100}}));
    EXPECT_EQ(r["blockIO"], json({{"weight", 300}}));
    EXPECT_EQ(build(R"({"HostConfig":{"PidsLimit":0}})")["linux"]["resources"]["pids"]["limit"], -1);
    EXPECT_STREQ(error(R"({"HostConfig":{"NanoCpus":8000000000}})").what(),
                 "Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available");
    EXPECT_STREQ(error(R"({"HostConfig":{"NanoCpus":1000000000,"CpuPeriod":50000}})").what(),
                 "Conflicting options: Nano CPUs and CPU Period cannot both be set");
    EXPECT_STREQ(error(R"({"HostConfig":{"BlkioWeight":5}})").what(), "Range of blkio weight is from 10 to 1000");
    input.host.blkio_weight_supported = false;
    EXPECT_EQ(build(R"({"HostConfig":{"BlkioWeight":300}})")["linux"]["resources"]["blockIO"], json::object());
}

TEST_F(BuildSpec, DevicesAndCgroupRules) {
    auto s = build(R"({"HostConfig":{"Devices":[{"PathOnHost":"/dev/null","PathInContainer":"/dev/mynull",
        "CgroupPermissions":"rw"}],"DeviceCgroupRules":["c 42:* rmw"]}})");
    auto devices = s["linux"]["devices"];
    ASSERT_EQ(devices.size(), 1u);
    EXPECT_EQ(devices[0]["path"], "/dev/mynull");
    EXPECT_EQ(devices[0]["type"], "c");
    EXPECT_EQ(devices[0]["major"], 1);
    EXPECT_EQ(devices[0]["minor"], 3);
    auto rules = s["linux"]["resources"]["devices"];
    ASSERT_EQ(rules.size(), 10u);
    EXPECT_EQ(rules[8], json::parse(R"({"allow":true,"type":"c","major":1,"minor":3,"access":"rw"})"));
    EXPECT_EQ(rules[9], json::parse(R"({"allow":true,"type":"c","major":42,"access":"rmw"})"));
    auto missing = error(R"({"HostConfig":{"Devices":[{"PathOnHost":"/dev/berth-no-such"}]}})");
    EXPECT_EQ(missing.kind(), SpecErrorKind::NotFound);
    EXPECT_EQ(missing.http_status(), 404);
    EXPECT_EQ(error(R"({"HostConfig":{"DeviceCgroupRules":["x 1:2 r"]}})").http_status(), 400);
}

TEST_F(BuildSpec, SecurityOptions) {
    auto s = build(R"({"HostConfig":{"SecurityOpt":["no-new-privileges"]}})");
    EXPECT_EQ(s["process"]["noNewPrivileges"], true);
    EXPECT_FALSE(build(R"({"HostConfig":{"SecurityOpt":["no-new-privileges=false"]}})")["process"].contains(
        "noNewPrivileges"));
    EXPECT_FALSE(build(R"({"HostConfig":{"SecurityOpt":["seccomp=unconfined"]}})")["linux"].contains("seccomp"));
    auto custom = build(R"({"HostConfig":{"Privileged":true,"SecurityOpt":["seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"]}})");
    EXPECT_EQ(custom["linux"]["seccomp"]["defaultAction"], "SCMP_ACT_ALLOW");
    auto bad = error(R"({"HostConfig":{"SecurityOpt":["seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"frobnicate\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"]}})");
    EXPECT_NE(std::string(bad.what()).find("frobnicate"), std::string::npos);
    EXPECT_STREQ(error(R"({"HostConfig":{"SecurityOpt":["bogus"]}})").what(), "invalid --security-opt 1: \"bogus\"");
    EXPECT_STREQ(error(R"({"HostConfig":{"SecurityOpt":["foo=bar"]}})").what(),
                 "invalid --security-opt 2: \"foo=bar\"");
}

TEST_F(BuildSpec, AppArmorOnlyWhenEnabled) {
    input.host.apparmor_enabled = true;
    EXPECT_EQ(build("{}")["process"]["apparmorProfile"], "docker-default");
    EXPECT_EQ(build(R"({"HostConfig":{"Privileged":true}})")["process"]["apparmorProfile"], "unconfined");
    EXPECT_EQ(build(R"({"HostConfig":{"SecurityOpt":["apparmor=mine"]}})")["process"]["apparmorProfile"], "mine");
}

TEST_F(BuildSpec, MaskedAndReadonlyPathsFromRequestReplaceDefaults) {
    auto s = build(R"({"HostConfig":{"MaskedPaths":[],"ReadonlyPaths":["/proc/x"]}})");
    EXPECT_EQ(s["linux"]["maskedPaths"], json::array());
    EXPECT_EQ(s["linux"]["readonlyPaths"], json({"/proc/x"}));
}

TEST_F(BuildSpec, Ulimits) {
    input.host.rlimit_nofile_max = 20000;
    auto s = build(R"({"HostConfig":{"Ulimits":[{"Name":"nofile","Soft":1024,"Hard":2048},{"Name":"core","Soft":-1,"Hard":-1}]}})");
    EXPECT_EQ(s["process"]["rlimits"], json::parse(R"([{"type":"RLIMIT_NOFILE","hard":2048,"soft":1024},
        {"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615}])"));
    EXPECT_EQ(error(R"({"HostConfig":{"Ulimits":[{"Name":"nofile","Soft":1,"Hard":30000}]}})").http_status(), 400);
    EXPECT_STREQ(error(R"({"HostConfig":{"Ulimits":[{"Name":"bogus","Soft":1,"Hard":1}]}})").what(),
                 "invalid ulimit type: bogus");
}

TEST_F(BuildSpec, SysctlsDomainnameAndHostNetwork) {
    auto s = build(R"({"Domainname":"example.org","HostConfig":{"Sysctls":{"net.ipv4.ip_unprivileged_port_start":"1024"}}})");
    EXPECT_EQ(s["linux"]["sysctl"]["net.ipv4.ip_unprivileged_port_start"], "1024");
    EXPECT_EQ(s["linux"]["sysctl"]["kernel.domainname"], "example.org");
    auto host_net = build(R"({"HostConfig":{"NetworkMode":"host"}})");
    EXPECT_FALSE(host_net["linux"].contains("sysctl"));
    for (const auto &ns : host_net["linux"]["namespaces"])
        EXPECT_NE(ns["type"], "network");
}

TEST_F(BuildSpec, OomScoreAdj) {
    EXPECT_EQ(build(R"({"HostConfig":{"OomScoreAdj":500}})")["process"]["oomScoreAdj"], 500);
    EXPECT_EQ(error(R"({"HostConfig":{"OomScoreAdj":5000}})").http_status(), 400);
}

TEST_F(BuildSpec, MalformedBodyIsRefused) {
    EXPECT_EQ(error("[1,2]").http_status(), 400);
    EXPECT_EQ(error(R"({"HostConfig":{"Memory":"lots"}})").http_status(), 400);
}
