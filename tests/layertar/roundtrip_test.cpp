// roundtrip_test.cpp — write_tar of a tree, apply elsewhere, same tree.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <random>

using namespace lt;

namespace {

constexpr int64_t GiB = int64_t(1) << 30;
constexpr int64_t big_size = 50 * 1000 * 1000;

void xattr(const fs::path &path, const std::string &name, const std::string &value) {
    ASSERT_EQ(::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0), 0) << path << " " << name;
}

void build_tree(const fs::path &src) {
    fs::create_directories(src / "d/sub");
    write_file(src / "d/f.txt", "hello world\n", 0640);
    xattr(src / "d/f.txt", "user.test", "hello");
    xattr(src / "d/f.txt", "user.bin", std::string("bin\0ary\xff", 8));
    xattr(src / "d", "user.dirattr", "on a directory");
    ASSERT_EQ(::link((src / "d/f.txt").c_str(), (src / "d/hard").c_str()), 0);
    ASSERT_EQ(::symlink("f.txt", (src / "d/link").c_str()), 0);
    ASSERT_EQ(::symlink("/etc/passwd", (src / "abs").c_str()), 0);
    ASSERT_EQ(::mkfifo((src / "fifo").c_str(), 0640), 0);
    ::chmod((src / "fifo").c_str(), 0640);
    write_file(src / "exec", "#!/bin/sh\necho hi\n", 0755);
    ::chmod((src / "exec").c_str(), is_root() ? 04755 : 0755);
    write_file(src / "empty", "");
    write_file(src / "d/\xc3\xbcn\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9.txt", "unicode name");
    // Over 100 bytes of path and a 200-byte name: needs PAX.
    fs::path long_dir = src / "long" / std::string(120, 'x');
    fs::create_directories(long_dir);
    write_file(long_dir / std::string(200, 'y'), "long name");
    if (is_root()) {
        ASSERT_EQ(::lchown((src / "d/f.txt").c_str(), 1234, 5678), 0);
        ASSERT_EQ(::lchown((src / "d/sub").c_str(), 1234, 5678), 0);
        ASSERT_EQ(::lchown((src / "abs").c_str(), 1234, 5678), 0);
    }

    // 1 GiB apparent, three small data regions, a trailing hole.
    int fd = ::open((src / "sparse").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, GiB), 0);
    ASSERT_EQ(::pwrite(fd, "head", 4, 0), 4);
    ASSERT_EQ(::pwrite(fd, "middle", 6, GiB / 2), 6);
    ASSERT_EQ(::pwrite(fd, "near the end", 12, GiB - 100 * 4096), 12);
    ::close(fd);

    std::string big(static_cast<size_t>(big_size), '\0');
    std::mt19937_64 rng(42);
    for (size_t i = 0; i + 8 <= big.size(); i += 8) {
        uint64_t v = rng();
        std::memcpy(&big[i], &v, 8);
    }
    write_file(src / "big", big);

    // Times last: creating children moved the directories' mtimes.
    for (const char *p : {"d/f.txt", "d/link", "abs", "fifo", "exec", "big", "sparse"})
        set_mtime(src / p, 1500000000);
    set_mtime(src / "d/sub", 1600000000);
    set_mtime(src / "d", 1600000001);
}

int64_t disk_usage(const fs::path &path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) < 0) return -1;
    return static_cast<int64_t>(st.st_blocks) * 512;
}

} // namespace

TEST(RoundTrip, TreeSurvivesWriteTarAndApply) {
    TempDir src("src"), dst("dst");
    build_tree(src.path());
    if (HasFatalFailure()) return;
    ASSERT_LT(disk_usage(src / "sparse"), 16 << 20);

    std::vector<layertar::Change> changes = layertar::changes_between(src.path(), {});
    ASSERT_FALSE(changes.empty());
    for (const auto &c : changes) EXPECT_EQ(c.kind, layertar::Change::added) << c.path;

    Fd tar(::memfd_create("roundtrip.tar", MFD_CLOEXEC));
    int64_t written = layertar::write_tar(tar.get(), src.path(), changes);
    EXPECT_EQ(written, layertar::content_size(src.path(), changes));
    // The hard link's data is stored once.
    EXPECT_EQ(written, 12 + 18 + 12 + 9 + GiB + big_size);
    struct stat tar_st;
    ASSERT_EQ(::fstat(tar.get(), &tar_st), 0);
    EXPECT_LT(tar_st.st_size, big_size + (4 << 20)) << "the sparse file was expanded into the tar";

    ::lseek(tar.get(), 0, SEEK_SET);
    layertar::ApplyResult result = layertar::apply(tar.get(), dst.path());
    EXPECT_EQ(result.bytes, written);
    EXPECT_EQ(result.entries, changes.size());

    expect_same_tree(src.path(), dst.path());
    struct stat st;
    ASSERT_EQ(::stat((dst / "sparse").c_str(), &st), 0);
    EXPECT_EQ(st.st_size, GiB);
    EXPECT_LT(disk_usage(dst / "sparse"), 16 << 20) << "the sparse file lost its holes";
    ASSERT_EQ(::stat((dst / "d/hard").c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 2u);
    if (is_root()) {
        ASSERT_EQ(::lstat((dst / "d/f.txt").c_str(), &st), 0);
        EXPECT_EQ(st.st_uid, 1234u);
        EXPECT_EQ(st.st_gid, 5678u);
        ASSERT_EQ(::lstat((dst / "abs").c_str(), &st), 0);
        EXPECT_EQ(st.st_uid, 1234u);
        ASSERT_EQ(::lstat((dst / "exec").c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 07777, 04755u);
    }
}

// Interoperability: GNU tar reads what write_tar writes (PAX, sparse 1.0,
// xattrs, hard links).
TEST(RoundTrip, GnuTarReadsOurTar) {
    if (std::system("tar --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no GNU tar";
    TempDir src("src"), dst("dst");
    fs::create_directories(src / "a/b");
    write_file(src / "a/b/file", "content");
    ASSERT_EQ(::link((src / "a/b/file").c_str(), (src / "a/link").c_str()), 0);
    ASSERT_EQ(::symlink("b/file", (src / "a/sym").c_str()), 0);
    int fd = ::open((src / "sparse").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, 64 << 20), 0);
    ASSERT_EQ(::pwrite(fd, "x", 1, 32 << 20), 1);
    ::close(fd);
    fs::path tar_path = src.path().parent_path() / (unique_name("gnu") + ".tar");
    {
        Fd out(::open(tar_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        layertar::write_tar(out.get(), src.path(), layertar::changes_between(src.path(), {}));
    }
    std::string cmd = "tar -xpf '" + tar_path.string() + "' -C '" + dst.path().string() + "' 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    ::unlink(tar_path.c_str());
    EXPECT_EQ(read_file(dst / "a/b/file"), "content");
    EXPECT_EQ(read_file(dst / "a/link"), "content");
    EXPECT_EQ(fs::read_symlink(dst / "a/sym"), "b/file");
    EXPECT_EQ(fs::file_size(dst / "sparse"), uint64_t(64) << 20);
    std::string sparse = read_file(dst / "sparse");
    EXPECT_EQ(sparse[32 << 20], 'x');
}

TEST(Compression, GzipTarApplies) {
    TempDir dst("dst");
    Fd tar = make_tar({dir("a"), file("a/b", "gzip data"), symlink_to("a/c", "b")}, Compression::gzip);
    layertar::ApplyResult r = layertar::apply(tar.get(), dst.path());
    EXPECT_EQ(r.entries, 3u);
    EXPECT_EQ(r.bytes, 9);
    EXPECT_EQ(read_file(dst / "a/b"), "gzip data");
    EXPECT_EQ(fs::read_symlink(dst / "a/c"), "b");
}

TEST(Compression, ZstdTarApplies) {
    TempDir dst("dst");
    Fd tar = make_tar({file("z", "zstd data")}, Compression::zstd);
    layertar::apply(tar.get(), dst.path());
    EXPECT_EQ(read_file(dst / "z"), "zstd data");
}

TEST(Apply, EmptyInputIsAnEmptyLayer) {
    TempDir dst("dst");
    Fd empty(::memfd_create("empty", MFD_CLOEXEC));
    layertar::ApplyResult r = layertar::apply(empty.get(), dst.path());
    EXPECT_EQ(r.entries, 0u);
}

TEST(Apply, GarbageAndTruncatedTarsAreInval) {
    TempDir dst("dst");
    Fd garbage(::memfd_create("garbage", MFD_CLOEXEC));
    std::string junk(4096, 'j');
    ASSERT_EQ(::write(garbage.get(), junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
    ::lseek(garbage.get(), 0, SEEK_SET);
    try {
        layertar::apply(garbage.get(), dst.path());
        ADD_FAILURE() << "garbage accepted";
    } catch (const layertar::LayerError &e) {
        EXPECT_EQ(e.code(), BERTH_E_INVAL);
    }

    // A member whose data is cut off.
    Fd full = make_tar({file("f", std::string(100000, 'd'))});
    struct stat st;
    ::fstat(full.get(), &st);
    ASSERT_EQ(::ftruncate(full.get(), 50000), 0);
    try {
        layertar::apply(full.get(), dst.path());
        ADD_FAILURE() << "truncated tar accepted";
    } catch (const layertar::LayerError &e) {
        EXPECT_EQ(e.code(), BERTH_E_INVAL) << e.what();
    }
}

TEST(Apply, MissingRootIsAnError) {
    Fd tar = make_tar({file("f", "x")});
    EXPECT_THROW(layertar::apply(tar.get(), "/nonexistent/berth/layertar/root"), layertar::LayerError);
}

TEST(Apply, ReplacesWhatIsInTheWay) {
    TempDir dst("dst");
    // A file where a directory arrives, a directory tree where a file
    // arrives, a symlink where a file arrives (it must not be followed).
    write_file(dst / "was_file", "old");
    fs::create_directories(dst / "was_dir/deep");
    write_file(dst / "was_dir/deep/x", "old");
    TempDir outside("outside");
    Canary canary(outside.path());
    ASSERT_EQ(::symlink(canary.path().c_str(), (dst / "was_link").c_str()), 0);
    fs::create_directories(dst / "kept_dir");
    write_file(dst / "kept_dir/lower", "lower");

    Fd tar = make_tar({dir("was_file", 0700), file("was_dir", "now a file"), file("was_link", "now a file"),
                       dir("kept_dir", 0711), file("kept_dir/new", "new")});
    layertar::apply(tar.get(), dst.path());
    EXPECT_TRUE(fs::is_directory(fs::symlink_status(dst / "was_file")));
    EXPECT_EQ(read_file(dst / "was_dir"), "now a file");
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(dst / "was_link")));
    EXPECT_EQ(read_file(dst / "kept_dir/lower"), "lower");
    EXPECT_EQ(read_file(dst / "kept_dir/new"), "new");
    EXPECT_EQ(fs::status(dst / "kept_dir").permissions(), static_cast<fs::perms>(0711));
    canary.check();
}

TEST(Apply, ImpliedParentsAndDirectoryTimes) {
    TempDir dst("dst");
    Member d = dir("x/y", 0750);
    d.mtime = 1234567890;
    Member f = file("x/y/z", "data");
    f.mtime = 1111111111;
    Fd tar = make_tar({d, f});
    layertar::apply(tar.get(), dst.path());
    struct stat st;
    ASSERT_EQ(::stat((dst / "x").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0755u); // implied: 0755 whatever the umask
    ASSERT_EQ(::stat((dst / "x/y").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    EXPECT_EQ(st.st_mtim.tv_sec, 1234567890); // set after its child was created
    ASSERT_EQ(::stat((dst / "x/y/z").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtim.tv_sec, 1111111111);
}

TEST(Apply, OverlayXattrsInATarAreDropped) {
    if (!is_root()) GTEST_SKIP() << "trusted.* xattrs need root";
    TempDir dst("dst");
    Member d = dir("d");
    d.xattrs = {{"trusted.overlay.opaque", "y"}, {"user.ok", "1"}};
    Member f = file("f", "x");
    f.xattrs = {{"trusted.overlay.redirect", "/etc"}, {"user.overlay.opaque", "y"}};
    Fd tar = make_tar({d, f});
    layertar::apply(tar.get(), dst.path());
    char buf[16];
    EXPECT_LT(::lgetxattr((dst / "d").c_str(), "trusted.overlay.opaque", buf, sizeof buf), 0);
    EXPECT_EQ(::lgetxattr((dst / "d").c_str(), "user.ok", buf, sizeof buf), 1);
    EXPECT_LT(::lgetxattr((dst / "f").c_str(), "trusted.overlay.redirect", buf, sizeof buf), 0);
    EXPECT_LT(::lgetxattr((dst / "f").c_str(), "user.overlay.opaque", buf, sizeof buf), 0);
}

TEST(Apply, OwnershipIsKeptOnlyWhenAsked) {
    if (!is_root()) GTEST_SKIP() << "chown needs root";
    TempDir dst("dst"), dst2("dst2");
    Member f = file("f", "x");
    f.uid = 1234;
    f.gid = 5678;
    {
        Fd tar = make_tar({f});
        layertar::apply(tar.get(), dst.path());
    }
    Fd tar = make_tar({f});
    layertar::ApplyOptions options;
    options.preserve_ownership = false;
    layertar::apply(tar.get(), dst2.path(), options);
    struct stat st;
    ASSERT_EQ(::stat((dst / "f").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1234u);
    ASSERT_EQ(::stat((dst2 / "f").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
}

TEST(WriteTar, ClosedPipeIsAnIoErrorNotASignal) {
    TempDir src("src");
    write_file(src / "f", std::string(1 << 20, 'x'));
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    ::close(fds[0]);
    // With the default disposition a SIGPIPE would kill the test binary.
    auto old = std::signal(SIGPIPE, SIG_DFL);
    try {
        layertar::write_tar(fds[1], src.path(), layertar::changes_between(src.path(), {}));
        ADD_FAILURE() << "write_tar to a closed pipe succeeded";
    } catch (const layertar::LayerError &e) {
        EXPECT_EQ(e.code(), BERTH_E_IO) << e.what();
    }
    std::signal(SIGPIPE, old);
    ::close(fds[1]);
}

TEST(WriteTar, ChangePathsAreChecked) {
    TempDir src("src");
    write_file(src / "f", "x");
    Fd tar(::memfd_create("t", MFD_CLOEXEC));
    std::vector<layertar::Change> bad{{"/../etc/passwd", layertar::Change::added, false}};
    EXPECT_THROW(layertar::write_tar(tar.get(), src.path(), bad), layertar::LayerError);
    // A path that vanished since the changes were taken is skipped; the
    // root itself is never an entry.
    std::vector<layertar::Change> stale{{"/", layertar::Change::modified, false},
                                        {"/gone", layertar::Change::added, false},
                                        {"/f", layertar::Change::added, false}};
    EXPECT_EQ(layertar::write_tar(tar.get(), src.path(), stale), 1);
    EXPECT_EQ(tar_names(tar.get()), std::vector<std::string>{"f"});
}

TEST(WriteTar, SymlinkedParentIsNotFollowed) {
    // A container replaced /etc by a symlink to the host's /etc: a change
    // below it must not read host files.
    TempDir src("src");
    ASSERT_EQ(::symlink("/etc", (src / "etc").c_str()), 0);
    Fd tar(::memfd_create("t", MFD_CLOEXEC));
    std::vector<layertar::Change> changes{{"/etc/passwd", layertar::Change::modified, false}};
    try {
        EXPECT_EQ(layertar::write_tar(tar.get(), src.path(), changes), 0);
    } catch (const layertar::LayerError &) {
    }
    for (const std::string &name : tar_names(tar.get())) EXPECT_NE(name, "etc/passwd");
}
