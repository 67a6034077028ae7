// idmap_test.cpp — userns-remap: apply() shifts container ids to host ids
// (ApplyOptions::id_map), write_tar() shifts them back (WriteOptions).
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

using namespace lt;

namespace {

// A typical first /etc/subuid range: container 0 is host 100000 (uids) and
// 200000 (gids, different on purpose so a swapped uid/gid shows).
constexpr uint32_t H = 100000;
constexpr uint32_t G = 200000;
constexpr uint32_t S = 65536;

layertar::IdMap test_map() { return layertar::IdMap{H, G, S}; }

layertar::ApplyOptions mapped(layertar::WhiteoutStyle style = layertar::WhiteoutStyle::remove) {
    layertar::ApplyOptions options;
    options.whiteouts = style;
    options.id_map = test_map();
    return options;
}

Member owned(Member m, int64_t uid, int64_t gid) {
    m.uid = uid;
    m.gid = gid;
    return m;
}

struct Ids {
    uid_t uid;
    gid_t gid;
    bool operator==(const Ids &) const = default;
};

std::ostream &operator<<(std::ostream &os, const Ids &ids) { return os << ids.uid << ":" << ids.gid; }

Ids ids_of(const fs::path &path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return Ids{~0u, ~0u};
    return Ids{st.st_uid, st.st_gid};
}

void lchown_to(const fs::path &path, uid_t uid, gid_t gid) {
    ASSERT_EQ(::lchown(path.c_str(), uid, gid), 0) << path;
}

// Member name -> uid:gid of a tar (memfd rewound before and after).
std::map<std::string, Ids> tar_owners(int fd) {
    std::map<std::string, Ids> out;
    ::lseek(fd, 0, SEEK_SET);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
        archive_read_free(a);
        ADD_FAILURE() << "cannot read the tar";
        return out;
    }
    struct archive_entry *e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK)
        out[archive_entry_pathname(e)] =
            Ids{static_cast<uid_t>(archive_entry_uid(e)), static_cast<gid_t>(archive_entry_gid(e))};
    archive_read_free(a);
    ::lseek(fd, 0, SEEK_SET);
    return out;
}

Fd memfd(const char *name) {
    Fd fd(::memfd_create(name, MFD_CLOEXEC));
    EXPECT_GE(fd.get(), 0);
    return fd;
}

std::string contents(int fd) {
    std::string out;
    ::lseek(fd, 0, SEEK_SET);
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    ::lseek(fd, 0, SEEK_SET);
    return out;
}

// The message of the LayerError that f throws (and its code through `code`).
template <class F>
std::string layer_error(F &&f, int32_t &code) {
    try {
        f();
    } catch (const layertar::LayerError &e) {
        code = e.code();
        return e.what();
    }
    code = BERTH_OK;
    return {};
}

} // namespace

TEST(IdMap, ApplyShiftsEveryKindOfEntry) {
    if (!is_root()) GTEST_SKIP() << "chown needs root";
    TempDir root("idmap");
    auto fifo = file("run/fifo");
    fifo.type = AE_IFIFO;
    Fd tar = make_tar({
        owned(dir("etc"), 0, 0),
        owned(file("etc/passwd", "root:x:0:0\n"), 0, 0),
        owned(hardlink_to("etc/passwd-", "etc/passwd"), 0, 0),
        owned(file("home/user/notes", "x"), 1000, 1001), // home and home/user are implied
        owned(symlink_to("etc/localtime", "/usr/share/zoneinfo/UTC"), 3, 4),
        owned(fifo, 65535, 65535), // the last mappable id
    });
    layertar::apply(tar.get(), root.path(), mapped());

    EXPECT_EQ(ids_of(root / "etc"), (Ids{H, G}));
    EXPECT_EQ(ids_of(root / "etc/passwd"), (Ids{H, G}));
    EXPECT_EQ(ids_of(root / "etc/passwd-"), (Ids{H, G})) << "a hard link is the same inode";
    EXPECT_EQ(ids_of(root / "home/user/notes"), (Ids{H + 1000, G + 1001}));
    EXPECT_EQ(ids_of(root / "etc/localtime"), (Ids{H + 3, G + 4})) << "symlinks are chowned themselves";
    EXPECT_EQ(ids_of(root / "run/fifo"), (Ids{H + 65535, G + 65535}));
    // Directories the tar only implies belong to the container's root, as
    // dockerd makes them, not to the host's.
    EXPECT_EQ(ids_of(root / "home"), (Ids{H, G}));
    EXPECT_EQ(ids_of(root / "home/user"), (Ids{H, G}));
    EXPECT_EQ(ids_of(root / "run"), (Ids{H, G}));
    // The root's own metadata is never taken from a tar.
    EXPECT_EQ(ids_of(root.path()), (Ids{0, 0}));
}

TEST(IdMap, OverlayWhiteoutDevicesAreShifted) {
    if (!is_root()) GTEST_SKIP() << "mknod and chown need root";
    TempDir root("idmap");
    Fd tar = make_tar({owned(file(".wh.gone"), 0, 0), owned(file("a/b/.wh.deep"), 7, 8)});
    layertar::apply(tar.get(), root.path(), mapped(layertar::WhiteoutStyle::overlay));
    EXPECT_EQ(ids_of(root / "gone"), (Ids{H, G}));
    EXPECT_EQ(ids_of(root / "a/b/deep"), (Ids{H + 7, G + 8}));
    EXPECT_EQ(ids_of(root / "a"), (Ids{H, G})) << "a directory a whiteout implies belongs to the container's root";
    EXPECT_EQ(ids_of(root / "a/b"), (Ids{H, G}));
}

TEST(IdMap, UnmappableUidIsRefusedNamingPathAndId) {
    TempDir root("idmap");
    Fd tar = make_tar({file("etc/ok", "fine"), owned(file("etc/foo", "x"), 70000, 0), file("etc/after", "x")});
    int32_t code = 0;
    std::string message = layer_error([&] { layertar::apply(tar.get(), root.path(), mapped()); }, code);
    EXPECT_EQ(code, BERTH_E_INVAL);
    EXPECT_NE(message.find("container ID 70000 of 'etc/foo' cannot be mapped to a host ID"), std::string::npos)
        << message;
    EXPECT_EQ(read_file(root / "etc/ok"), "fine") << "what came before stays (the caller removes the layer)";
    EXPECT_FALSE(exists_nofollow(root / "etc/foo")) << "nothing of the refused entry is written";
    EXPECT_FALSE(exists_nofollow(root / "etc/after"));
}

TEST(IdMap, UnmappableGidIsRefusedToo) {
    TempDir root("idmap");
    Fd tar = make_tar({owned(dir("srv"), 0, 65536)});
    int32_t code = 0;
    std::string message = layer_error([&] { layertar::apply(tar.get(), root.path(), mapped()); }, code);
    EXPECT_EQ(code, BERTH_E_INVAL);
    EXPECT_NE(message.find("container ID 65536 of 'srv' cannot be mapped to a host ID"), std::string::npos)
        << message;
    EXPECT_FALSE(exists_nofollow(root / "srv"));
}

TEST(IdMap, UnmappableWhiteoutRemovesNothing) {
    TempDir root("idmap");
    write_file(root / "victim", "still here");
    Fd tar = make_tar({owned(file(".wh.victim"), 4000000000, 0)});
    int32_t code = 0;
    std::string message = layer_error([&] { layertar::apply(tar.get(), root.path(), mapped()); }, code);
    EXPECT_EQ(code, BERTH_E_INVAL);
    EXPECT_NE(message.find("container ID 4000000000 of '.wh.victim'"), std::string::npos) << message;
    EXPECT_EQ(read_file(root / "victim"), "still here");
}

TEST(IdMap, WithoutAMapLargeIdsStayAsTheyWere) {
    if (!is_root()) GTEST_SKIP() << "chown needs root";
    TempDir root("idmap");
    Fd tar = make_tar({owned(file("f"), 70000, 70001)});
    layertar::apply(tar.get(), root.path());
    EXPECT_EQ(ids_of(root / "f"), (Ids{70000, 70001}));
    EXPECT_EQ(ids_of(root.path()), (Ids{0, 0}));
}

TEST(IdMap, MapPastTheIdSpaceIsRefused) {
    TempDir root("idmap");
    Fd tar = make_tar({file("f")});
    layertar::ApplyOptions options;
    options.id_map = layertar::IdMap{4294967295u - 1000, 0, 65536};
    int32_t code = 0;
    std::string message = layer_error([&] { layertar::apply(tar.get(), root.path(), options); }, code);
    EXPECT_EQ(code, BERTH_E_INVAL);
    EXPECT_NE(message.find("id map"), std::string::npos) << message;
    EXPECT_FALSE(exists_nofollow(root / "f"));

    Fd out = memfd("out.tar");
    layertar::WriteOptions write;
    write.id_map = layertar::IdMap{0, 4294967295u, 1};
    message = layer_error([&] { layertar::write_tar(out.get(), root.path(), {}, write); }, code);
    EXPECT_EQ(code, BERTH_E_INVAL) << message;
}

TEST(IdMap, WriteTarMapsHostIdsBack) {
    if (!is_root()) GTEST_SKIP() << "chown needs root";
    TempDir root("idmap");
    fs::create_directories(root / "d");
    write_file(root / "d/root-owned", "a");
    write_file(root / "d/user", "b");
    write_file(root / "d/host-root", "c");
    write_file(root / "d/past-the-range", "d");
    write_file(root / "d/below-the-range", "e");
    ASSERT_EQ(::symlink("user", (root / "d/link").c_str()), 0);
    lchown_to(root / "d", H, G);
    lchown_to(root / "d/root-owned", H, G);
    lchown_to(root / "d/user", H + 1000, G + 1000);
    lchown_to(root / "d/host-root", 0, 0);
    lchown_to(root / "d/past-the-range", H + S, G + S);
    lchown_to(root / "d/below-the-range", H - 1, G - 1);
    lchown_to(root / "d/link", H + 5, G + 6);

    std::vector<layertar::Change> changes = {
        {"/d/root-owned", layertar::Change::added},     {"/d/user", layertar::Change::added},
        {"/d/host-root", layertar::Change::added},      {"/d/past-the-range", layertar::Change::added},
        {"/d/below-the-range", layertar::Change::added}, {"/d/link", layertar::Change::added},
        {"/d/gone", layertar::Change::deleted},
    };
    layertar::WriteOptions options;
    options.id_map = test_map();
    Fd tar = memfd("mapped.tar");
    int64_t bytes = layertar::write_tar(tar.get(), root.path(), changes, options);
    EXPECT_EQ(bytes, layertar::content_size(root.path(), changes)) << "content_size needs no map";

    auto owners = tar_owners(tar.get());
    EXPECT_EQ(owners["d"], (Ids{0, 0}));
    EXPECT_EQ(owners["d/root-owned"], (Ids{0, 0}));
    EXPECT_EQ(owners["d/user"], (Ids{1000, 1000}));
    EXPECT_EQ(owners["d/link"], (Ids{5, 6}));
    // Host ids the container cannot see come out as the overflow id, which
    // is what the container saw for them.
    EXPECT_EQ(owners["d/host-root"], (Ids{layertar::overflow_id, layertar::overflow_id}));
    EXPECT_EQ(owners["d/past-the-range"], (Ids{layertar::overflow_id, layertar::overflow_id}));
    EXPECT_EQ(owners["d/below-the-range"], (Ids{layertar::overflow_id, layertar::overflow_id}));
    EXPECT_EQ(owners["d/.wh.gone"], (Ids{0, 0}));
}

TEST(IdMap, DefaultWriteOptionsWriteTheSameBytes) {
    TempDir root("idmap");
    fs::create_directories(root / "d");
    write_file(root / "d/f", "same");
    set_mtime(root / "d/f", 1700000000);
    set_mtime(root / "d", 1700000000);
    std::vector<layertar::Change> changes = {{"/d/f", layertar::Change::added}, {"/x", layertar::Change::deleted}};
    Fd old_api = memfd("old.tar");
    Fd new_api = memfd("new.tar");
    layertar::write_tar(old_api.get(), root.path(), changes);
    layertar::write_tar(new_api.get(), root.path(), changes, layertar::WriteOptions{});
    EXPECT_EQ(contents(old_api.get()), contents(new_api.get()));
}

// A layer applied with the map and diffed with it gives the ids of the
// original tar back: `docker save` of a remapped daemon's image, `docker
// commit` of a remapped container.
TEST(IdMap, ApplyThenWriteTarRoundTripsTheOriginalIds) {
    if (!is_root()) GTEST_SKIP() << "chown needs root";
    TempDir root("idmap");
    Fd tar = make_tar({
        owned(dir("etc", 0755), 0, 0),
        owned(file("etc/shadow", "s", 0640), 0, 42),
        owned(dir("home", 0755), 0, 0),
        owned(dir("home/app", 0750), 1000, 1000),
        owned(file("home/app/data", "d"), 1000, 1000),
        owned(hardlink_to("home/app/data2", "home/app/data"), 1000, 1000),
        owned(symlink_to("home/app/cfg", "../../etc/shadow"), 1000, 1000),
        owned(file("nobody", "n"), 65534, 65534),
    });
    auto original = tar_owners(tar.get());
    layertar::apply(tar.get(), root.path(), mapped());

    auto changes = layertar::changes_between(root.path(), {});
    layertar::WriteOptions options;
    options.id_map = test_map();
    Fd out = memfd("diff.tar");
    layertar::write_tar(out.get(), root.path(), changes, options);
    auto written = tar_owners(out.get());
    EXPECT_EQ(written, original);

    // The same tree written without the map shows the host ids.
    Fd raw = memfd("raw.tar");
    layertar::write_tar(raw.get(), root.path(), changes);
    EXPECT_EQ(tar_owners(raw.get())["home/app/data"], (Ids{H + 1000, G + 1000}));
}
