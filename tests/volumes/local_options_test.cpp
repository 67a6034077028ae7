// The local driver's option rules and the `o` string's translation into
// mount(2) flags and data.
#include "volumes/local_options.h"

#include <sys/mount.h>

#include <gtest/gtest.h>

using namespace berth::volumes;

TEST(LocalOptions, NoneOrTheUsualSetsAreAccepted) {
    EXPECT_EQ(local_options_error({}), "");
    EXPECT_EQ(local_options_error({{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=64m,uid=1000"}}), "");
    EXPECT_EQ(local_options_error({{"type", "none"}, {"device", "/srv"}, {"o", "bind"}}), "");
    EXPECT_EQ(local_options_error({{"size", "0"}}), "");
}

TEST(LocalOptions, UnknownOptionsAreRefusedWithDockersText) {
    EXPECT_EQ(local_options_error({{"foo", "bar"}}), "invalid option: \"foo\"");
    EXPECT_EQ(local_options_error({{"type", "tmpfs"}, {"device", "tmpfs"}, {"mode", "1777"}}),
              "invalid option: \"mode\"");
}

TEST(LocalOptions, OptionsThatNeedOthers) {
    EXPECT_EQ(local_options_error({{"type", "tmpfs"}}), "missing required option: \"device\"");
    EXPECT_EQ(local_options_error({{"device", "tmpfs"}}), "missing required option: \"type\"");
    EXPECT_EQ(local_options_error({{"o", "size=1m"}}), "missing required option: \"device\"");
    EXPECT_EQ(local_options_error({{"o", "size=1m"}, {"device", "tmpfs"}}), "missing required option: \"type\"");
    EXPECT_EQ(local_options_error({{"o", "size=1m"}, {"type", "tmpfs"}}), "missing required option: \"device\"");
}

TEST(LocalOptions, SizeNeedsQuotaSupport) {
    EXPECT_EQ(local_options_error({{"size", "10G"}}), "quota size requested but no quota support");
    EXPECT_EQ(local_options_error({{"size", "lots"}}), "invalid size: 'lots'");
}

TEST(MountOptions, FlagWordsBecomeFlagsTheRestIsData) {
    const auto m = parse_mount_options("size=64m,ro,uid=1000,nosuid,noexec");
    EXPECT_EQ(m.flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID | MS_NOEXEC));
    EXPECT_EQ(m.data, "size=64m,uid=1000");
    EXPECT_EQ(m.propagation, 0ul);
}

TEST(MountOptions, LaterWordsClearEarlierOnes) {
    EXPECT_EQ(parse_mount_options("ro,rw").flags, 0ul);
    EXPECT_EQ(parse_mount_options("nosuid,suid,nodev").flags, static_cast<unsigned long>(MS_NODEV));
    EXPECT_EQ(parse_mount_options("defaults").data, "");
}

TEST(MountOptions, BindAndPropagation) {
    const auto b = parse_mount_options("bind");
    EXPECT_EQ(b.flags, static_cast<unsigned long>(MS_BIND));
    const auto rb = parse_mount_options("rbind,rprivate");
    EXPECT_EQ(rb.flags, static_cast<unsigned long>(MS_BIND | MS_REC));
    EXPECT_EQ(rb.propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
    const auto sh = parse_mount_options("shared");
    EXPECT_EQ(sh.flags, 0ul);
    EXPECT_EQ(sh.propagation, static_cast<unsigned long>(MS_SHARED));
}
