// Mount table: defaults, --read-only, --privileged, --shm-size, --tmpfs,
// binds, /etc files, docker-init and shallow-first ordering.
#include "containers/spec/mounts.h"
#include "containers/spec/spec_errors.h"

#include <gtest/gtest.h>

using namespace berth::containers::spec;
using Strings = std::vector<std::string>;

namespace {

Strings destinations(const std::vector<Mount> &mounts) {
    Strings out;
    for (const auto &m : mounts)
        out.push_back(m.destination);
    return out;
}

const Mount &find(const std::vector<Mount> &mounts, const std::string &destination) {
    for (const auto &m : mounts)
        if (m.destination == destination)
            return m;
    throw std::runtime_error("no mount at " + destination);
}

MountRequest with_files() {
    MountRequest r;
    r.hosts_path = "/c/hosts";
    r.resolv_conf_path = "/c/resolv.conf";
    r.hostname_path = "/c/hostname";
    return r;
}

} // namespace

TEST(Mounts, DefaultTableIsDockersTen) {
    auto mounts = build_mounts(with_files());
    EXPECT_EQ(destinations(mounts), (Strings{"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue",
                                             "/dev/shm", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts"}));
    EXPECT_EQ(mounts[0], (Mount{"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}}));
    EXPECT_EQ(mounts[1], (Mount{"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}}));
    EXPECT_EQ(mounts[2], (Mount{"/dev/pts", "devpts", "devpts",
                                {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}));
    EXPECT_EQ(mounts[3], (Mount{"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}}));
    EXPECT_EQ(mounts[4], (Mount{"/sys/fs/cgroup", "cgroup", "cgroup", {"ro", "nosuid", "noexec", "nodev"}}));
    EXPECT_EQ(mounts[5], (Mount{"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}}));
    EXPECT_EQ(mounts[6], (Mount{"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=67108864"}}));
    EXPECT_EQ(mounts[7], (Mount{"/etc/resolv.conf", "bind", "/c/resolv.conf", {"rbind", "rprivate"}}));
    EXPECT_EQ(mounts[9], (Mount{"/etc/hosts", "bind", "/c/hosts", {"rbind", "rprivate"}}));
}

TEST(Mounts, ShmSizeIsWrittenInBytes) {
    MountRequest r;
    r.shm_size = 1 << 30;
    EXPECT_EQ(find(build_mounts(r), "/dev/shm").options.back(), "size=1073741824");
}

TEST(Mounts, ReadOnlyAddsRoToSysLikeDefaultsAndEtcFiles) {
    auto r = with_files();
    r.read_only_rootfs = true;
    auto mounts = build_mounts(r);
    EXPECT_EQ(find(mounts, "/proc").options, (Strings{"nosuid", "noexec", "nodev"}));
    EXPECT_EQ(find(mounts, "/dev/shm").options.size(), 5u);
    EXPECT_EQ(find(mounts, "/sys").options, (Strings{"nosuid", "noexec", "nodev", "ro"}));
    EXPECT_EQ(find(mounts, "/etc/hosts").options, (Strings{"rbind", "rprivate", "ro"}));
}

TEST(Mounts, PrivilegedMakesSysAndCgroupWritable) {
    MountRequest r;
    r.privileged = true;
    auto mounts = build_mounts(r);
    EXPECT_EQ(find(mounts, "/sys").options, (Strings{"nosuid", "noexec", "nodev"}));
    EXPECT_EQ(find(mounts, "/sys/fs/cgroup").options, (Strings{"nosuid", "noexec", "nodev"}));
}

TEST(Mounts, TmpfsOptionsStartSafeAndLaterOnesWin) {
    EXPECT_EQ(tmpfs_options(""), (Strings{"noexec", "nosuid", "nodev", "rprivate"}));
    EXPECT_EQ(tmpfs_options("exec,size=64m"), (Strings{"nosuid", "nodev", "rprivate", "exec", "size=64m"}));
    EXPECT_EQ(tmpfs_options("size=1m,size=2m,shared"), (Strings{"noexec", "nosuid", "nodev", "size=2m", "shared"}));
}

TEST(Mounts, BindOptions) {
    EXPECT_EQ(parse_bind("/h:/c"), (Mount{"/c", "bind", "/h", {"rbind", "rprivate"}}));
    EXPECT_EQ(parse_bind("/h:/c/:ro"), (Mount{"/c", "bind", "/h", {"rbind", "ro", "rprivate"}}));
    EXPECT_EQ(parse_bind("/h:/c:rw,rslave"), (Mount{"/c", "bind", "/h", {"rbind", "rslave"}}));
}

TEST(Mounts, BadBindsAreRefused) {
    EXPECT_THROW(parse_bind("/h"), SpecError);
    EXPECT_THROW(parse_bind("/h:rel"), SpecError);
    EXPECT_THROW(parse_bind("/h:/"), SpecError);
    EXPECT_THROW(parse_bind("/h:/c:bogus"), SpecError);
    EXPECT_THROW(parse_bind("vol:/c"), SpecError); // named volumes: not yet
}

TEST(Mounts, UserMountsAreSortedShallowFirstAndReplaceDefaults) {
    auto r = with_files();
    r.binds = {"/a:/x/y/z", "/b:/etc/hosts:ro", "/c:/w"};
    r.tmpfs = {{"/dev/shm", "size=1m"}};
    auto mounts = build_mounts(r);
    EXPECT_EQ(destinations(mounts),
              (Strings{"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/w", "/dev/shm",
                       "/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/x/y/z"}));
    EXPECT_EQ(find(mounts, "/etc/hosts").source, "/b");
    EXPECT_EQ(find(mounts, "/dev/shm").type, "tmpfs");
    EXPECT_EQ(find(mounts, "/dev/shm").source, "tmpfs");
}

TEST(Mounts, UserDevDropsEveryDefaultUnderDev) {
    MountRequest r;
    r.binds = {"/hostdev:/dev"};
    EXPECT_EQ(destinations(build_mounts(r)), (Strings{"/proc", "/sys", "/sys/fs/cgroup", "/dev"}));
}

TEST(Mounts, InitIsBoundReadOnlyAfterDefaults) {
    MountRequest r;
    r.init_path = "/usr/bin/tini-static";
    r.binds = {"/h:/data"};
    auto mounts = build_mounts(r);
    EXPECT_EQ(mounts[7], (Mount{"/sbin/docker-init", "bind", "/usr/bin/tini-static", {"bind", "ro"}}));
    EXPECT_EQ(mounts[8].destination, "/data");
}

TEST(Mounts, DuplicateDestinationIsRefused) {
    MountRequest r;
    r.binds = {"/a:/data", "/b:/data"};
    EXPECT_THROW(build_mounts(r), SpecError);
}
