// Tars out of a container: moby's rebasing rules for `docker cp`, export's
// layout, and no way for a container symlink to pull host files in.
#include "containers/archive/rootfs_path.h"
#include "containers/archive/tree_tar.h"
#include "rootfs_fixture.h"
#include "tar_fixture.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <filesystem>
#include <stdexcept>

namespace berth::containers::archive {
namespace {

using Names = std::vector<std::string>;

class TreeTarTest : public ::testing::Test {
protected:
    test::RootfsFixture fx;
    UniqueFd root = open_root(fx.rootfs().string());

    // What GET /containers/{id}/archive?path=<path> sends.
    std::string cp_from(const std::string &path) {
        const auto cpath = parse_container_path(path);
        const auto r = resolve_no_follow(root.get(), cpath);
        std::string out;
        write_tree_tar(r.parent.get(), r.name, rebase_naming(cpath.display_name()),
                       [&out](const char *d, size_t n) { out.append(d, n); });
        return out;
    }
};

TEST_F(TreeTarTest, ADirectoryIsArchivedUnderItsOwnName) {
    EXPECT_EQ(test::names(test::read_tar(cp_from("/dir"))), (Names{"dir/", "dir/a", "dir/sub/", "dir/sub/b"}));
}

TEST_F(TreeTarTest, DirDotArchivesTheContentOnly) {
    EXPECT_EQ(test::names(test::read_tar(cp_from("/dir/."))), (Names{"./", "a", "sub/", "sub/b"}));
}

TEST_F(TreeTarTest, ASymlinkWithTrailingSlashIsArchivedUnderTheRequestedName) {
    // moby: "/link/" resolves to /dir but the entries start with "link".
    const auto entries = test::read_tar(cp_from("/link/"));
    EXPECT_EQ(test::names(entries), (Names{"link/", "link/a", "link/sub/", "link/sub/b"}));
    EXPECT_EQ(entries[1].content, "A");
}

TEST_F(TreeTarTest, ASymlinkItselfIsOneEntry) {
    const auto entries = test::read_tar(cp_from("/evil"));
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "evil");
    EXPECT_EQ(entries[0].type, 'l');
    EXPECT_EQ(entries[0].link, "/");
}

TEST_F(TreeTarTest, AFileKeepsItsContentModeAndWholeSecondMtime) {
    std::filesystem::permissions(fx.rootfs() / "dir/a", std::filesystem::perms(0750));
    const auto entries = test::read_tar(cp_from("/dir/a"));
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "a");
    EXPECT_EQ(entries[0].type, 'f');
    EXPECT_EQ(entries[0].content, "A");
    EXPECT_EQ(entries[0].mode, 0750);
    EXPECT_EQ(entries[0].mtime_nsec, 0);
}

TEST_F(TreeTarTest, ContainerSymlinksOnTheWayResolveInsideTheRootfs) {
    // /evil -> / : /evil/etc/passwd is the container's.
    EXPECT_EQ(test::read_tar(cp_from("/evil/etc/passwd"))[0].content, fx.read(fx.rootfs() / "etc/passwd"));
    // /up -> ../host names the real host directory only if followed naively.
    EXPECT_THROW(cp_from("/up/secret"), std::system_error);
    EXPECT_THROW(cp_from("/escape/secret"), std::system_error);
    // Trailing slash: followed, but in scope: /evil/ is the container's root.
    for (const auto &e : test::read_tar(cp_from("/evil/"))) EXPECT_EQ(e.content.find("host secret"), std::string::npos);
}

TEST_F(TreeTarTest, TheRootIsArchivedWithSlashNames) {
    const auto n = test::names(test::read_tar(cp_from("/")));
    ASSERT_FALSE(n.empty());
    EXPECT_EQ(n.front(), "/");
    EXPECT_NE(std::find(n.begin(), n.end(), "/etc/passwd"), n.end());
}

TEST_F(TreeTarTest, ExportHasEveryEntryButTheRootAndFollowsNoLink) {
    std::string out;
    write_tree_tar(root.get(), "", TreeTarNaming{std::nullopt, ""},
                   [&out](const char *d, size_t n) { out.append(d, n); });
    const auto entries = test::read_tar(out);
    EXPECT_EQ(test::names(entries), (Names{"abslink", "dangling", "dir/", "dir/a", "dir/sub/", "dir/sub/b", "escape",
                                           "etc/", "etc/group", "etc/passwd", "evil", "link", "up"}));
    for (const auto &e : entries) EXPECT_EQ(e.content.find("host secret"), std::string::npos) << e.name;
}

TEST_F(TreeTarTest, HardLinksAreKeptAsLinksToTheFirstName) {
    ASSERT_EQ(::link((fx.rootfs() / "dir/a").c_str(), (fx.rootfs() / "dir/z").c_str()), 0);
    const auto entries = test::read_tar(cp_from("/dir"));
    ASSERT_EQ(test::names(entries), (Names{"dir/", "dir/a", "dir/sub/", "dir/sub/b", "dir/z"}));
    EXPECT_EQ(entries[4].type, 'h');
    EXPECT_EQ(entries[4].link, "dir/a");
}

TEST_F(TreeTarTest, FifosAreEntriesAndSocketsAreSkipped) {
    ASSERT_EQ(::mkfifo((fx.rootfs() / "dir/fifo").c_str(), 0600), 0);
    const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto sock_path = (fx.rootfs() / "dir/sock").string();
    ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
    ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    ::close(sock);
    const auto entries = test::read_tar(cp_from("/dir"));
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[2].name, "dir/fifo");
    EXPECT_EQ(entries[2].type, 'p');
}

TEST_F(TreeTarTest, ASinkFailureStopsTheTarWithoutAnEndMarker) {
    std::filesystem::create_directories(fx.rootfs() / "big");
    images::test::write_all(fx.rootfs() / "big/f", std::string(200000, 'x'));
    const auto r = resolve_no_follow(root.get(), parse_container_path("/big"));
    std::string out;
    EXPECT_THROW(write_tree_tar(r.parent.get(), r.name, rebase_naming("big"),
                                [&out](const char *d, size_t n) {
                                    if (out.size() > 50000) throw std::runtime_error("client gone");
                                    out.append(d, n);
                                }),
                 std::runtime_error);
    // What went out is a prefix of the tar: never an end-of-archive after it.
    EXPECT_LT(out.size(), 200000u);
    EXPECT_NE(out.substr(out.size() - 1024), std::string(1024, '\0'));
}

} // namespace
} // namespace berth::containers::archive
