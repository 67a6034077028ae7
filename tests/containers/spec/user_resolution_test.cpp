// User resolution against the container's /etc/passwd and /etc/group.
#include "containers/spec/spec_errors.h"
#include "containers/spec/user_resolution.h"
#include "test_rootfs.h"

#include <filesystem>
#include <gtest/gtest.h>

using namespace berth::containers::spec;
using berth::containers::spec::test::TempRootfs;

namespace {

class UserResolution : public ::testing::Test {
protected:
    void SetUp() override {
        root.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                 "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                                 "# comment\n"
                                 "nobody:x:65534:65534:nobody:/home:/bin/false\n"
                                 "alice:x:1000:1000::/home/alice:/bin/sh\n");
        root.write("etc/group", "root:x:0:root\n"
                                "daemon:x:1:root,daemon\n"
                                "wheel:x:10:root,alice\n"
                                "alice:x:1000:\n"
                                "audio:x:29:alice\n"
                                "nogroup:x:65534:\n");
    }
    TempRootfs root;
};

using Gids = std::vector<std::uint32_t>;

} // namespace

TEST_F(UserResolution, EmptyIsRootWithItsGroups) {
    auto u = resolve_user(root.path(), "");
    EXPECT_EQ(u.uid, 0u);
    EXPECT_EQ(u.gid, 0u);
    EXPECT_EQ(u.additional_gids, (Gids{0, 0, 1, 10})); // primary first, then memberships
}

TEST_F(UserResolution, NameGivesUidGidAndSupplementaryGroups) {
    auto u = resolve_user(root.path(), "alice");
    EXPECT_EQ(u.uid, 1000u);
    EXPECT_EQ(u.gid, 1000u);
    EXPECT_EQ(u.additional_gids, (Gids{1000, 10, 29}));
}

TEST_F(UserResolution, NumericUidNeedNotExist) {
    auto u = resolve_user(root.path(), "4242");
    EXPECT_EQ(u.uid, 4242u);
    EXPECT_EQ(u.gid, 0u);
    EXPECT_EQ(u.additional_gids, (Gids{0}));
}

TEST_F(UserResolution, NumericUidFoundUsesPasswdGid) {
    auto u = resolve_user(root.path(), "65534");
    EXPECT_EQ(u.uid, 65534u);
    EXPECT_EQ(u.gid, 65534u);
}

TEST_F(UserResolution, ExplicitGroupReplacesGidAndSkipsSupplementary) {
    auto u = resolve_user(root.path(), "alice:audio");
    EXPECT_EQ(u.uid, 1000u);
    EXPECT_EQ(u.gid, 29u);
    EXPECT_EQ(u.additional_gids, (Gids{29}));
    auto n = resolve_user(root.path(), "1000:777");
    EXPECT_EQ(n.gid, 777u);
}

TEST_F(UserResolution, GroupAddAppendsDeduplicated) {
    auto u = resolve_user(root.path(), "nobody", {"audio", "29", "5"});
    EXPECT_EQ(u.additional_gids, (Gids{65534, 29, 5}));
}

TEST_F(UserResolution, MissingUserIsAnErrorNamingIt) {
    try {
        resolve_user(root.path(), "mallory");
        FAIL();
    } catch (const SpecError &e) {
        EXPECT_STREQ(e.what(), "unable to find user mallory: no matching entries in passwd file");
    }
}

TEST_F(UserResolution, MissingGroupIsAnErrorNamingIt) {
    EXPECT_THROW(
        {
            try {
                resolve_user(root.path(), "alice:staff");
            } catch (const SpecError &e) {
                EXPECT_STREQ(e.what(), "unable to find group staff: no matching entries in group file");
                throw;
            }
        },
        SpecError);
}

TEST_F(UserResolution, IdsOutOfRangeAreRefused) {
    EXPECT_THROW(resolve_user(root.path(), "2147483648"), SpecError);
}

TEST(UserResolutionFiles, MissingFilesCountAsEmpty) {
    TempRootfs empty;
    auto u = resolve_user(empty.path(), "123:456");
    EXPECT_EQ(u.uid, 123u);
    EXPECT_EQ(u.gid, 456u);
    EXPECT_THROW(resolve_user(empty.path(), "root"), SpecError);
}

TEST(UserResolutionFiles, AbsoluteSymlinkStaysInsideTheRootfs) {
    TempRootfs root;
    root.write("real/passwd", "bob:x:7:8::/:/bin/sh\n");
    std::filesystem::create_directories(root.path() + "/etc");
    std::filesystem::create_symlink("/real/passwd", root.path() + "/etc/passwd");
    auto u = resolve_user(root.path(), "bob");
    EXPECT_EQ(u.uid, 7u);
    EXPECT_EQ(u.gid, 8u);
}
