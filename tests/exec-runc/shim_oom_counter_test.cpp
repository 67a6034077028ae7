// berth-shim's OOM counter lookup (shim/oom_counter.hpp) on the text of
// /proc/<pid>/cgroup, /proc/self/mountinfo and the counter files.
#include "shim/oom_counter.hpp"

#include <gtest/gtest.h>

using namespace berth::shim;

namespace {

const char hybrid_cgroup[] =
    "9:name=systemd:/docker/abc\n"
    "4:memory:/docker/abc\n"
    "1:cpu,cpuacct:/docker/abc\n"
    "0::/system.slice/docker.service\n";

const char hybrid_mountinfo[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,nosuid shared:9 - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw\n";

} // namespace

TEST(ShimOomCounter, HybridHostUsesTheV1MemoryController) {
    bool v2 = true;
    EXPECT_EQ(memory_cgroup_in(hybrid_cgroup, v2), "/docker/abc");
    EXPECT_FALSE(v2);
    EXPECT_EQ(cgroup_dir_in(hybrid_mountinfo, "/docker/abc", false), "/sys/fs/cgroup/memory/docker/abc");
}

TEST(ShimOomCounter, UnifiedHostUsesCgroup2) {
    bool v2 = false;
    EXPECT_EQ(memory_cgroup_in("0::/docker/abc\n", v2), "/docker/abc");
    EXPECT_TRUE(v2);
    EXPECT_EQ(cgroup_dir_in("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n",
                            "/docker/abc", true),
              "/sys/fs/cgroup/docker/abc");
}

TEST(ShimOomCounter, MountOfASubtreeIsStrippedOrSkipped) {
    const char mi[] = "40 23 0:32 /outer /mnt/mem rw - cgroup cgroup rw,memory\n";
    EXPECT_EQ(cgroup_dir_in(mi, "/outer/inner", false), "/mnt/mem/inner");
    EXPECT_EQ(cgroup_dir_in(mi, "/outer", false), "/mnt/mem");
    EXPECT_EQ(cgroup_dir_in(mi, "/outerx/inner", false), "");
    EXPECT_EQ(cgroup_dir_in(hybrid_mountinfo, "/x", true), "/sys/fs/cgroup/unified/x");
}

TEST(ShimOomCounter, NoMemoryControllerMeansNoPath) {
    bool v2 = true;
    EXPECT_EQ(memory_cgroup_in("1:cpu:/a\n", v2), "");
    EXPECT_FALSE(v2);
    EXPECT_EQ(cgroup_dir_in("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", "/a", false), "");
}

TEST(ShimOomCounter, CounterLineIsFoundInBothFileFormats) {
    EXPECT_EQ(oom_kill_count_in("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3);
    EXPECT_EQ(oom_kill_count_in("low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\noom_group_kill 0\n"), 1);
    EXPECT_EQ(oom_kill_count_in("oom_kill_disable 0\nunder_oom 0\n"), -1);
    EXPECT_EQ(read_oom_kill_count(""), -1);
    EXPECT_EQ(read_oom_kill_count("/nonexistent/memory.events"), -1);
}
