// copy_up: image content copied into a fresh volume with its metadata.
#include "volumes/copy_up.h"

#include "test_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

using namespace berth::volumes;
namespace fs = std::filesystem;

namespace {

void write_text(const fs::path &p, const std::string &text) { std::ofstream(p, std::ios::binary) << text; }

std::string read_text(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

struct stat lstat_of(const fs::path &p) {
    struct stat st{};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st;
}

} // namespace

TEST(CopyUp, CopiesContentModesTimesLinksAndSymlinks) {
    TestDir dir;
    const fs::path src = dir.path() / "image-etc";
    const fs::path vol = dir.path() / "vol";
    fs::create_directories(src / "conf.d");
    fs::create_directories(vol);
    write_text(src / "app.conf", "listen 80\n");
    write_text(src / "conf.d" / "secret", "s3cret");
    ::chmod((src / "conf.d" / "secret").c_str(), 0600);
    ::chmod((src / "conf.d").c_str(), 0750);
    write_text(src / "tool", "#!/bin/sh\n");
    ::chmod((src / "tool").c_str(), 04755);
    fs::create_symlink("app.conf", src / "link");
    fs::create_hard_link(src / "app.conf", src / "hard");
    ASSERT_EQ(::mkfifo((src / "pipe").c_str(), 0640), 0);
    ::chmod(src.c_str(), 0751);
    const struct timespec old_times[2] = {{1000000000, 0}, {1000000000, 5}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (src / "app.conf").c_str(), old_times, 0), 0);
    ASSERT_EQ(::utimensat(AT_FDCWD, (src / "conf.d").c_str(), old_times, 0), 0);

    ASSERT_TRUE(copy_up(src, vol));

    EXPECT_EQ(read_text(vol / "app.conf"), "listen 80\n");
    EXPECT_EQ(read_text(vol / "conf.d" / "secret"), "s3cret");
    EXPECT_EQ(lstat_of(vol / "conf.d" / "secret").st_mode & 07777, 0600u);
    EXPECT_EQ(lstat_of(vol / "conf.d").st_mode & 07777, 0750u);
    EXPECT_EQ(lstat_of(vol / "tool").st_mode & 07777, 04755u); // set-id bits survive the chown
    EXPECT_EQ(lstat_of(vol).st_mode & 07777, 0751u);            // the volume root takes the source's mode
    EXPECT_EQ(fs::read_symlink(vol / "link"), "app.conf");
    EXPECT_EQ(lstat_of(vol / "hard").st_ino, lstat_of(vol / "app.conf").st_ino);
    EXPECT_TRUE(S_ISFIFO(lstat_of(vol / "pipe").st_mode));
    EXPECT_EQ(lstat_of(vol / "app.conf").st_mtim.tv_sec, 1000000000);
    EXPECT_EQ(lstat_of(vol / "app.conf").st_mtim.tv_nsec, 5);
    EXPECT_EQ(lstat_of(vol / "conf.d").st_mtim.tv_sec, 1000000000); // set after its children
}

TEST(CopyUp, KeepsOwnersAndXattrs) {
    if (!running_as_root()) GTEST_SKIP() << "giving files other owners needs root";
    TestDir dir;
    const fs::path src = dir.path() / "src";
    const fs::path vol = dir.path() / "vol";
    fs::create_directories(src / "data");
    fs::create_directories(vol);
    write_text(src / "data" / "f", "x");
    ASSERT_EQ(::lchown((src / "data").c_str(), 999, 998), 0);
    ASSERT_EQ(::lchown((src / "data" / "f").c_str(), 1001, 1002), 0);
    ASSERT_EQ(::lchown(src.c_str(), 70, 71), 0);
    fs::create_symlink("f", src / "data" / "l");
    ASSERT_EQ(::lchown((src / "data" / "l").c_str(), 1003, 1004), 0);
    const bool have_xattrs = ::setxattr((src / "data" / "f").c_str(), "user.origin", "image", 5, 0) == 0;

    ASSERT_TRUE(copy_up(src, vol));
    EXPECT_EQ(lstat_of(vol / "data").st_uid, 999u);
    EXPECT_EQ(lstat_of(vol / "data").st_gid, 998u);
    EXPECT_EQ(lstat_of(vol / "data" / "f").st_uid, 1001u);
    EXPECT_EQ(lstat_of(vol / "data" / "l").st_uid, 1003u); // the link itself, not its target
    EXPECT_EQ(lstat_of(vol).st_uid, 70u);
    EXPECT_EQ(lstat_of(vol).st_gid, 71u);
    if (!have_xattrs) GTEST_SKIP() << "the temp filesystem has no user xattrs; owners checked, xattrs not";
    char value[16] = {};
    ASSERT_EQ(::getxattr((vol / "data" / "f").c_str(), "user.origin", value, sizeof value), 5);
    EXPECT_EQ(std::string(value, 5), "image");
}

TEST(CopyUp, ANonEmptyVolumeIsLeftAlone) {
    TestDir dir;
    const fs::path src = dir.path() / "src";
    const fs::path vol = dir.path() / "vol";
    fs::create_directories(src);
    fs::create_directories(vol);
    write_text(src / "from-image", "a");
    write_text(vol / "existing", "b");
    EXPECT_FALSE(copy_up(src, vol));
    EXPECT_FALSE(fs::exists(vol / "from-image"));
    EXPECT_EQ(read_text(vol / "existing"), "b");
}

TEST(CopyUp, AMissingSourceCopiesNothing) {
    TestDir dir;
    fs::create_directories(dir.path() / "vol");
    EXPECT_FALSE(copy_up(dir.path() / "absent", dir.path() / "vol"));
    EXPECT_TRUE(fs::is_empty(dir.path() / "vol"));
}
