// cp and export under userns-remap: extract_tar stores a tar's container
// owners as the host ids they map to (and refuses ids the map lacks, naming
// the entry); write_tree_tar writes host owners back as container ids, with
// the overflow id 65534 for host ids outside the map. Chowning to other ids
// needs root: those cases skip without it.
#include "config/id_map.h"
#include "containers/archive/rootfs_path.h"
#include "containers/archive/tar_extract.h"
#include "containers/archive/tree_tar.h"

#include "../images/test_util.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace berth::containers::archive {
namespace {

namespace fs = std::filesystem;
using Owners = std::map<std::string, std::pair<int64_t, int64_t>>;

const config::IdMap kMap{100000, 200000, 65536};

struct OwnedEntry {
    std::string name;
    unsigned type; // AE_IF*
    int64_t uid, gid;
    std::string content_or_target;
};

std::string owned_tar(const std::vector<OwnedEntry> &entries) {
    std::string out;
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_write_new(), archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    archive_write_set_bytes_in_last_block(a.get(), 1);
    archive_write_open2(
        a.get(), &out, nullptr,
        [](struct archive *, void *o, const void *buf, size_t len) -> la_ssize_t {
            static_cast<std::string *>(o)->append(static_cast<const char *>(buf), len);
            return static_cast<la_ssize_t>(len);
        },
        nullptr, nullptr);
    for (const auto &e : entries) {
        std::unique_ptr<archive_entry, void (*)(archive_entry *)> h(archive_entry_new(), archive_entry_free);
        archive_entry_copy_pathname(h.get(), e.name.c_str());
        archive_entry_set_filetype(h.get(), e.type);
        archive_entry_set_perm(h.get(), e.type == AE_IFDIR ? 0755 : e.type == AE_IFLNK ? 0777 : 0644);
        archive_entry_set_uid(h.get(), e.uid);
        archive_entry_set_gid(h.get(), e.gid);
        archive_entry_set_mtime(h.get(), 1700000000, 0);
        if (e.type == AE_IFLNK) archive_entry_copy_symlink(h.get(), e.content_or_target.c_str());
        const bool data = e.type == AE_IFREG;
        archive_entry_set_size(h.get(), data ? static_cast<la_int64_t>(e.content_or_target.size()) : 0);
        if (archive_write_header(a.get(), h.get()) != ARCHIVE_OK)
            throw std::runtime_error(std::string("tar: ") + archive_error_string(a.get()));
        if (data && !e.content_or_target.empty())
            archive_write_data(a.get(), e.content_or_target.data(), e.content_or_target.size());
    }
    archive_write_close(a.get());
    return out;
}

Owners tar_owners(const std::string &bytes) {
    std::unique_ptr<struct archive, int (*)(struct archive *)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
        throw std::runtime_error("tar does not open");
    Owners out;
    archive_entry *e = nullptr;
    int r;
    while ((r = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK)
        out[archive_entry_pathname(e)] = {archive_entry_uid(e), archive_entry_gid(e)};
    if (r != ARCHIVE_EOF) throw std::runtime_error(std::string("tar: ") + archive_error_string(a.get()));
    return out;
}

std::pair<int64_t, int64_t> owner_of(const fs::path &p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return {-1, -1};
    return {st.st_uid, st.st_gid};
}

class UsernsArchive : public ::testing::Test {
protected:
    images::test::TempDir tmp;
    fs::path rootfs = tmp.path() / "rootfs";

    void SetUp() override {
        fs::create_directories(rootfs / "dst");
    }
    ExtractResult extract(const std::string &tar, const ExtractOptions &o) {
        UniqueFd root = open_root(rootfs.string());
        const auto d = open_in_root(root.get(), "/dst", O_RDONLY | O_DIRECTORY);
        const auto in = images::test::fd_with(tar);
        return extract_tar(in.get(), d.get(), o);
    }
    // What export sends: every entry below the root.
    std::string export_tar(const config::IdMap &ids) {
        UniqueFd root = open_root(rootfs.string());
        std::string out;
        write_tree_tar(root.get(), "", TreeTarNaming{std::nullopt, ""},
                       [&out](const char *d, size_t n) { out.append(d, n); }, ids);
        return out;
    }
};

#define NEED_ROOT()                                                                                            \
    do {                                                                                                       \
        if (::geteuid() != 0) GTEST_SKIP() << "chown to other ids needs root";                                 \
    } while (0)

TEST_F(UsernsArchive, ExtractShiftsTheTarsOwnersIntoTheMap) {
    NEED_ROOT();
    const auto r = extract(owned_tar({{"d", AE_IFDIR, 0, 0, ""},
                                      {"d/f", AE_IFREG, 1000, 50, "x"},
                                      {"d/l", AE_IFLNK, 5, 7, "f"},
                                      {"top", AE_IFREG, 65535, 65535, "y"}}),
                           ExtractOptions{false, std::nullopt, kMap});
    EXPECT_EQ(r.entries, 4u);
    const auto dst = rootfs / "dst";
    EXPECT_EQ(owner_of(dst / "d"), (std::pair<int64_t, int64_t>{100000, 200000}));
    EXPECT_EQ(owner_of(dst / "d/f"), (std::pair<int64_t, int64_t>{101000, 200050}));
    EXPECT_EQ(owner_of(dst / "d/l"), (std::pair<int64_t, int64_t>{100005, 200007}));
    EXPECT_EQ(owner_of(dst / "top"), (std::pair<int64_t, int64_t>{165535, 265535}));
}

TEST_F(UsernsArchive, CopyUidGidOwnersAreContainerIdsToo) {
    NEED_ROOT();
    extract(owned_tar({{"f", AE_IFREG, 0, 0, "x"}}),
            ExtractOptions{false, std::make_pair(uid_t{1000}, gid_t{1000}), kMap});
    EXPECT_EQ(owner_of(rootfs / "dst/f"), (std::pair<int64_t, int64_t>{101000, 201000}));
}

TEST_F(UsernsArchive, WithoutAMapOwnersAreTheTars) {
    NEED_ROOT();
    extract(owned_tar({{"f", AE_IFREG, 1234, 4321, "x"}}), ExtractOptions{});
    EXPECT_EQ(owner_of(rootfs / "dst/f"), (std::pair<int64_t, int64_t>{1234, 4321}));
}

TEST_F(UsernsArchive, AnUnmappableUidIsRefusedNamingTheEntry) {
    try {
        extract(owned_tar({{"ok", AE_IFREG, 0, 0, "x"}, {"bad/name", AE_IFREG, 70000, 0, "y"}}),
                ExtractOptions{false, std::nullopt, kMap});
        FAIL() << "no refusal";
    } catch (const ExtractRefused &e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("'bad/name'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("70000"), std::string::npos) << msg;
    }
    // Nothing of the refused entry was left behind under a host id.
    EXPECT_FALSE(fs::exists(rootfs / "dst/bad/name"));
}

TEST_F(UsernsArchive, AnUnmappableEntryDoesNotReplaceWhatIsThere) {
    // moby remaps a header's ids before it touches the destination: the
    // refused entry neither removes the existing file nor leaves its own.
    images::test::write_all(rootfs / "dst/passwd", "root:x:0:0::/:/bin/sh\n");
    fs::create_directories(rootfs / "dst/keep");
    images::test::write_all(rootfs / "dst/keep/x", "x");
    EXPECT_THROW(extract(owned_tar({{"passwd", AE_IFREG, 0, 70000, "pwned"}}),
                         ExtractOptions{false, std::nullopt, kMap}),
                 ExtractRefused);
    EXPECT_EQ(images::test::read_all(rootfs / "dst/passwd"), "root:x:0:0::/:/bin/sh\n");
    EXPECT_THROW(extract(owned_tar({{"keep", AE_IFREG, 65536, 0, "file over a dir"}}),
                         ExtractOptions{false, std::nullopt, kMap}),
                 ExtractRefused);
    EXPECT_EQ(images::test::read_all(rootfs / "dst/keep/x"), "x");
    EXPECT_THROW(extract(owned_tar({{"newdir", AE_IFDIR, 99999, 0, ""}}), ExtractOptions{false, std::nullopt, kMap}),
                 ExtractRefused);
    EXPECT_FALSE(fs::exists(rootfs / "dst/newdir"));
}

TEST_F(UsernsArchive, AnUnmappableGidIsRefusedNamingTheEntry) {
    try {
        extract(owned_tar({{"g", AE_IFREG, 0, 65536, "x"}}), ExtractOptions{false, std::nullopt, kMap});
        FAIL() << "no refusal";
    } catch (const ExtractRefused &e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("'g'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("65536"), std::string::npos) << msg;
    }
}

TEST_F(UsernsArchive, AnUnmappableCopyUidGidOwnerIsRefused) {
    EXPECT_THROW(extract(owned_tar({{"f", AE_IFREG, 0, 0, "x"}}),
                         ExtractOptions{false, std::make_pair(uid_t{100000}, gid_t{0}), kMap}),
                 ExtractRefused);
}

TEST_F(UsernsArchive, TreeTarWritesContainerIds) {
    NEED_ROOT();
    fs::create_directories(rootfs / "etc");
    images::test::write_all(rootfs / "etc/a", "a");
    images::test::write_all(rootfs / "etc/b", "b");
    images::test::write_all(rootfs / "hostfile", "h");
    fs::create_symlink("a", rootfs / "etc/l");
    ASSERT_EQ(::chown(rootfs.c_str(), 100000, 200000), 0);
    ASSERT_EQ(::chown((rootfs / "dst").c_str(), 100000, 200000), 0);
    ASSERT_EQ(::chown((rootfs / "etc").c_str(), 100000, 200000), 0);
    ASSERT_EQ(::chown((rootfs / "etc/a").c_str(), 101000, 200050), 0);
    ASSERT_EQ(::chown((rootfs / "etc/b").c_str(), 165535, 265535), 0);
    ASSERT_EQ(::lchown((rootfs / "etc/l").c_str(), 100005, 200007), 0);
    // Host ids the map does not cover: below, above, and root itself.
    ASSERT_EQ(::chown((rootfs / "hostfile").c_str(), 0, 0), 0);

    const auto owners = tar_owners(export_tar(kMap));
    EXPECT_EQ(owners, (Owners{{"dst/", {0, 0}},
                              {"etc/", {0, 0}},
                              {"etc/a", {1000, 50}},
                              {"etc/b", {65535, 65535}},
                              {"etc/l", {5, 7}},
                              {"hostfile", {65534, 65534}}}));

    ASSERT_EQ(::chown((rootfs / "hostfile").c_str(), 165536, 99999), 0);
    EXPECT_EQ(tar_owners(export_tar(kMap))["hostfile"], (std::pair<int64_t, int64_t>{65534, 65534}));

    // No map: the host ids as they are.
    const auto raw = tar_owners(export_tar({}));
    EXPECT_EQ(raw.at("etc/a"), (std::pair<int64_t, int64_t>{101000, 200050}));
    EXPECT_EQ(raw.at("hostfile"), (std::pair<int64_t, int64_t>{165536, 99999}));
}

TEST_F(UsernsArchive, ExtractThenTreeTarRoundTripsContainerIds) {
    NEED_ROOT();
    const std::vector<OwnedEntry> in{{"d", AE_IFDIR, 0, 0, ""}, {"d/f", AE_IFREG, 33, 44, "x"}};
    extract(owned_tar(in), ExtractOptions{false, std::nullopt, kMap});
    const auto owners = tar_owners(export_tar(kMap));
    EXPECT_EQ(owners.at("dst/d/"), (std::pair<int64_t, int64_t>{0, 0}));
    EXPECT_EQ(owners.at("dst/d/f"), (std::pair<int64_t, int64_t>{33, 44}));
}

} // namespace
} // namespace berth::containers::archive
