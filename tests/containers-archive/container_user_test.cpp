// copyUIDGID's user lookup, in the container's own passwd and group.
#include "containers/archive/container_user.h"
#include "containers/archive/rootfs_path.h"
#include "rootfs_fixture.h"

#include <gtest/gtest.h>

namespace berth::containers::archive {
namespace {

using Ids = std::pair<uid_t, gid_t>;

TEST(ContainerUser, NamesAndNumbers) {
    test::RootfsFixture fx;
    const auto root = open_root(fx.rootfs().string());
    EXPECT_EQ(lookup_container_user(root.get(), ""), std::nullopt);
    EXPECT_EQ(lookup_container_user(root.get(), "app"), Ids(1000, 1000));
    EXPECT_EQ(lookup_container_user(root.get(), "app:staff"), Ids(1000, 50));
    EXPECT_EQ(lookup_container_user(root.get(), "root:7"), Ids(0, 7));
    EXPECT_EQ(lookup_container_user(root.get(), "1000"), Ids(1000, 1000));
    EXPECT_EQ(lookup_container_user(root.get(), "4242"), Ids(4242, 0));
    EXPECT_EQ(lookup_container_user(root.get(), "4242:4243"), Ids(4242, 4243));
    EXPECT_THROW(lookup_container_user(root.get(), "nobody"), UnknownUser);
    EXPECT_THROW(lookup_container_user(root.get(), "app:nogroup"), UnknownUser);
}

TEST(ContainerUser, PasswdIsReadInsideTheRootfs) {
    test::RootfsFixture fx;
    // /etc -> a symlink out of the rootfs: resolved inside it, so there is
    // no passwd and names are unknown (the host's never answer).
    std::filesystem::remove_all(fx.rootfs() / "etc");
    std::filesystem::create_symlink("../../../../../../etc", fx.rootfs() / "etc");
    const auto root = open_root(fx.rootfs().string());
    EXPECT_THROW(lookup_container_user(root.get(), "root"), UnknownUser);
    EXPECT_EQ(lookup_container_user(root.get(), "0:0"), Ids(0, 0));
}

} // namespace
} // namespace berth::containers::archive
