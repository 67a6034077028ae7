// init_layer_tar(view, files, ids): the init layer as the tar apply_diff
// gets. What the image lacks is added, owned by the container's root (id 0
// in the tar, mapped by apply_diff); what the image has keeps its own mode
// and owner (host ids in the view, mapped back to container ids through the
// userns-remap map); nothing goes below an image symlink. The view here is a
// plain directory; chowning it to other ids needs root (skips without).
#include "containers/service/init_layer.h"

#include "../images/test_util.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace berth::containers {
namespace {

namespace fs = std::filesystem;

struct Entry {
    mode_t type = 0; // AE_IFREG, AE_IFDIR, AE_IFLNK
    unsigned mode = 0;
    int64_t uid = -1, gid = -1;
    std::string content, link;
};

// The tar's entries by path (directories without their trailing '/'), and
// the order they came in.
struct Listing {
    std::map<std::string, Entry> entries;
    std::vector<std::string> order;
    bool has(const std::string &p) const { return entries.count(p) != 0; }
    const Entry &at(const std::string &p) const { return entries.at(p); }
};

Listing list_tar(const std::string &tar) {
    std::unique_ptr<struct archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    EXPECT_EQ(ARCHIVE_OK, archive_read_open_memory(a.get(), tar.data(), tar.size()));
    Listing out;
    archive_entry *e = nullptr;
    while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
        std::string path = archive_entry_pathname(e);
        if (!path.empty() && path.back() == '/') path.pop_back();
        Entry x;
        x.type = archive_entry_filetype(e);
        x.mode = archive_entry_perm(e);
        x.uid = archive_entry_uid(e);
        x.gid = archive_entry_gid(e);
        if (const char *l = archive_entry_symlink(e)) x.link = l;
        std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
        if (!data.empty()) archive_read_data(a.get(), data.data(), data.size());
        x.content = data;
        out.order.push_back(path);
        out.entries[path] = x;
    }
    return out;
}

const InitLayerFiles kFiles{"web\n", "127.0.0.1\tlocalhost\n", "nameserver 127.0.0.11\n"};
const config::IdMap kNoMap{};
const config::IdMap kMap{100000, 200000, 65536};

class InitLayerTar : public ::testing::Test {
protected:
    images::test::TempDir tmp;
    fs::path image = tmp.path() / "image";
    void SetUp() override { fs::create_directories(image); }
    void need_root() {
        if (::geteuid() != 0) GTEST_SKIP() << "chown to other ids needs root";
    }
};

TEST_F(InitLayerTar, AnImageWithoutLayersGetsEveryMountPoint) {
    const Listing t = list_tar(init_layer_tar("", kFiles, kNoMap));
    for (const char *d : {"dev", "dev/pts", "dev/shm", "proc", "sys", "etc"}) {
        ASSERT_TRUE(t.has(d)) << d;
        EXPECT_EQ(AE_IFDIR, t.at(d).type) << d;
        EXPECT_EQ(0755u, t.at(d).mode) << d;
    }
    for (const char *f : {".dockerenv", "etc/resolv.conf", "etc/hosts", "etc/hostname", "dev/console"}) {
        ASSERT_TRUE(t.has(f)) << f;
        EXPECT_EQ(AE_IFREG, t.at(f).type) << f;
        EXPECT_EQ((std::pair<int64_t, int64_t>{0, 0}), (std::pair{t.at(f).uid, t.at(f).gid})) << f;
    }
    EXPECT_EQ("web\n", t.at("etc/hostname").content);
    EXPECT_EQ("127.0.0.1\tlocalhost\n", t.at("etc/hosts").content);
    EXPECT_EQ("nameserver 127.0.0.11\n", t.at("etc/resolv.conf").content);
    EXPECT_EQ("", t.at("dev/console").content);
    ASSERT_TRUE(t.has("etc/mtab"));
    EXPECT_EQ(AE_IFLNK, t.at("etc/mtab").type);
    EXPECT_EQ("/proc/mounts", t.at("etc/mtab").link);
}

TEST_F(InitLayerTar, ParentsComeBeforeTheirChildren) {
    const Listing t = list_tar(init_layer_tar("", kFiles, kNoMap));
    std::map<std::string, size_t> pos;
    for (size_t i = 0; i < t.order.size(); ++i) pos[t.order[i]] = i;
    for (const auto &[path, i] : pos)
        if (const auto slash = path.rfind('/'); slash != std::string::npos) {
            const std::string parent = path.substr(0, slash);
            ASSERT_TRUE(pos.count(parent)) << path << " without " << parent;
            EXPECT_LT(pos[parent], i) << parent << " after " << path;
        }
    EXPECT_EQ(t.order.size(), pos.size()) << "an entry appears twice";
}

TEST_F(InitLayerTar, WhatTheImageHasStaysItsOwn) {
    fs::create_directories(image / "etc");
    fs::create_directories(image / "dev/pts");
    fs::create_directories(image / "proc");
    images::test::write_all(image / ".dockerenv", "");
    fs::create_symlink("/proc/self/mounts", image / "etc/mtab");
    fs::create_directory(image / "etc/hostname"); // not a regular file: left alone
    const Listing t = list_tar(init_layer_tar(image.string(), kFiles, kNoMap));
    EXPECT_FALSE(t.has("dev/pts")) << "an image directory with nothing added below it";
    EXPECT_FALSE(t.has("proc"));
    EXPECT_FALSE(t.has(".dockerenv"));
    EXPECT_FALSE(t.has("etc/mtab")) << "the image's own mtab symlink";
    EXPECT_FALSE(t.has("etc/hostname")) << "the image's directory at /etc/hostname";
    // Missing entries inside the image's directories are still added.
    for (const char *p : {"dev/shm", "dev/console", "sys", "etc/hosts", "etc/resolv.conf"}) EXPECT_TRUE(t.has(p)) << p;
}

TEST_F(InitLayerTar, TheImagesEtcFilesGetTheNewContentButKeepTheirModeAndOwner) {
    need_root();
    fs::create_directories(image / "etc");
    images::test::write_all(image / "etc/hosts", "127.0.0.1 image\n");
    ASSERT_EQ(0, ::chmod((image / "etc/hosts").c_str(), 0600));
    ASSERT_EQ(0, ::chown((image / "etc/hosts").c_str(), 12, 34));
    ASSERT_EQ(0, ::chmod((image / "etc").c_str(), 0750));
    ASSERT_EQ(0, ::chown((image / "etc").c_str(), 5, 6));
    const Listing t = list_tar(init_layer_tar(image.string(), kFiles, kNoMap));
    ASSERT_TRUE(t.has("etc/hosts"));
    EXPECT_EQ("127.0.0.1\tlocalhost\n", t.at("etc/hosts").content);
    EXPECT_EQ(0600u, t.at("etc/hosts").mode);
    EXPECT_EQ(12, t.at("etc/hosts").uid);
    EXPECT_EQ(34, t.at("etc/hosts").gid);
    // The image's /etc is written (its children need it) as the image has it.
    ASSERT_TRUE(t.has("etc"));
    EXPECT_EQ(0750u, t.at("etc").mode);
    EXPECT_EQ(5, t.at("etc").uid);
    EXPECT_EQ(6, t.at("etc").gid);
}

TEST_F(InitLayerTar, UnderUsernsRemapImageOwnersAreMappedBackToContainerIds) {
    need_root();
    fs::create_directories(image / "etc");
    images::test::write_all(image / "etc/hostname", "image\n");
    // Host ids as a remapped layer holds them: container 1000 is host 101000.
    ASSERT_EQ(0, ::chown((image / "etc/hostname").c_str(), 101000, 201000));
    ASSERT_EQ(0, ::chown((image / "etc").c_str(), 100000, 200000));
    ASSERT_EQ(0, ::chown(image.c_str(), 3, 3)); // outside the map: the overflow id
    const Listing t = list_tar(init_layer_tar(image.string(), kFiles, kMap));
    EXPECT_EQ(1000, t.at("etc/hostname").uid);
    EXPECT_EQ(1000, t.at("etc/hostname").gid);
    EXPECT_EQ(0, t.at("etc").uid) << "the remapped root's directory is the container root's";
    EXPECT_EQ(0, t.at("etc").gid);
    // Added entries are the container root's (id 0; apply_diff maps it).
    EXPECT_EQ(0, t.at("etc/hosts").uid);
    EXPECT_EQ(0, t.at("dev/console").uid);
}

TEST_F(InitLayerTar, NothingGoesBelowAnImageSymlink) {
    fs::create_directories(image / "elsewhere");
    fs::create_symlink("elsewhere", image / "etc");
    fs::create_symlink("/", image / "dev");
    const Listing t = list_tar(init_layer_tar(image.string(), kFiles, kNoMap));
    for (const auto &p : t.order) {
        EXPECT_NE(0u, p.rfind("etc", 0)) << p << " is below the image's etc symlink";
        EXPECT_NE(0u, p.rfind("dev", 0)) << p << " is below the image's dev symlink";
    }
    EXPECT_TRUE(t.has("proc"));
    EXPECT_TRUE(t.has(".dockerenv"));
}

TEST_F(InitLayerTar, AFileWhereADirectoryBelongsStopsThatBranch) {
    images::test::write_all(image / "dev", "not a directory\n");
    const Listing t = list_tar(init_layer_tar(image.string(), kFiles, kNoMap));
    for (const char *p : {"dev", "dev/pts", "dev/shm", "dev/console"}) EXPECT_FALSE(t.has(p)) << p;
    EXPECT_TRUE(t.has("etc/hosts"));
}

// An image's shared init layer (no content given): dockerd's empty mount
// points where the image lacks the /etc files, the image's own files left
// alone (they are bound over at run time anyway).
TEST_F(InitLayerTar, WithoutContentTheEtcFilesAreEmptyMountPointsAndTheImagesOwnStay) {
    fs::create_directories(image / "etc");
    images::test::write_all(image / "etc/hosts", "127.0.0.1 image\n");
    const Listing t = list_tar(init_layer_tar(image.string(), InitLayerFiles{}, kNoMap));
    EXPECT_FALSE(t.has("etc/hosts")) << "the image's own /etc/hosts was rewritten";
    for (const char *f : {"etc/hostname", "etc/resolv.conf", ".dockerenv", "dev/console"}) {
        ASSERT_TRUE(t.has(f)) << f;
        EXPECT_EQ(AE_IFREG, t.at(f).type) << f;
        EXPECT_EQ("", t.at(f).content) << f;
    }
    // The same holds for an image without layers.
    const Listing bare = list_tar(init_layer_tar("", InitLayerFiles{}, kNoMap));
    for (const char *f : {"etc/hostname", "etc/hosts", "etc/resolv.conf"}) {
        ASSERT_TRUE(bare.has(f)) << f;
        EXPECT_EQ("", bare.at(f).content) << f;
    }
}

} // namespace
} // namespace berth::containers
