// copy_add_test.cpp — ADD unpacking local tars (any compression, owners
// and modes kept, hostile names refused), and the cache checksum: equal
// between copy_checksum and plan_copy, blind to mtimes, sensitive to
// content, modes, owners and link targets.
#include "build/context/copy_plan.h"

#include "copy_fixture.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace berth::build {
namespace {

namespace fs = std::filesystem;
using test::by_name;
using test::names;

class Add : public test::CopyFixture {
protected:
    CopyRequest add(std::vector<std::string> sources, std::string dest) {
        CopyRequest r = request(std::move(sources), std::move(dest));
        r.add = true;
        r.instruction = "ADD";
        return r;
    }
    void archive_in_context(const std::string &name, const std::vector<test::TarEntry> &entries,
                            const std::string &compression) {
        images::UniqueFd tar = test::make_tar(entries, compression);
        test::write_file(context / name, test::fd_bytes(tar.get()));
    }
};

const std::vector<test::TarEntry> kArchive = {{"./", 'd', 0755, 0, 0, ""},
                                              {"./x.txt", 'f', 0604, 42, 43, "ex"},
                                              {"./d/", 'd', 0700, 7, 7, ""},
                                              {"./d/y", 'f', 0644, 0, 0, "why"},
                                              {"./d/l", 'l', 0777, 0, 0, "../x.txt"},
                                              {"./d/h", 'h', 0644, 0, 0, "./x.txt"}};

class AddCompressed : public Add, public ::testing::WithParamInterface<std::string> {};

TEST_P(AddCompressed, LocalTarIsUnpackedKeepingOwnersAndModes) {
    archive_in_context("bundle.tar", kArchive, GetParam());
    const auto entries = plan(add({"bundle.tar"}, "/opt/app"));
    EXPECT_EQ(names(entries), (std::vector<std::string>{"opt/", "opt/app/", "opt/app/x.txt", "opt/app/d/",
                                                        "opt/app/d/y", "opt/app/d/l", "opt/app/d/h"}));
    const auto m = by_name(entries);
    EXPECT_EQ(m.at("opt/app/x.txt").content, "ex");
    EXPECT_EQ(m.at("opt/app/x.txt").uid, 42u);
    EXPECT_EQ(m.at("opt/app/x.txt").gid, 43u);
    EXPECT_EQ(m.at("opt/app/x.txt").mode, 0604u);
    EXPECT_EQ(m.at("opt/app/d/").mode, 0700u);
    EXPECT_EQ(m.at("opt/app/d/l").content, "../x.txt"); // a symlink's target is not rewritten
    EXPECT_EQ(m.at("opt/app/d/h").content, "opt/app/x.txt"); // a hard link's is
}

INSTANTIATE_TEST_SUITE_P(Compressions, AddCompressed, ::testing::Values("none", "gzip", "bzip2", "xz"));

TEST_F(Add, PlainFilesAndCopyOfAnArchiveAreCopiedAsFiles) {
    test::write_file(context / "notes.txt", "not a tar");
    EXPECT_EQ(names(plan(add({"notes.txt"}, "/n.txt"))), (std::vector<std::string>{"n.txt"}));
    archive_in_context("bundle.tgz", kArchive, "gzip");
    const auto entries = plan(request({"bundle.tgz"}, "/b.tgz"));
    ASSERT_EQ(names(entries), (std::vector<std::string>{"b.tgz"}));
    EXPECT_EQ(entries[0].content, test::read_whole(context / "bundle.tgz"));
}

TEST_F(Add, HostileArchiveNamesAreRefused) {
    for (const std::string bad : {"../evil", "/abs/evil", "a/../../evil"}) {
        archive_in_context("bad.tar", {{"ok", 'f', 0644, 0, 0, "ok"}, {bad, 'f', 0644, 0, 0, "evil"}}, "none");
        const std::string err = error_of(add({"bad.tar"}, "/app"));
        EXPECT_EQ(err.rfind("ADD failed: ", 0), 0u) << bad << ": " << err;
    }
}

TEST_F(Add, ChecksumIsTheSameFromCopyChecksumAndPlanCopy) {
    test::write_file(context / "a.txt", "a");
    test::write_file(context / "src/b.txt", "b");
    archive_in_context("bundle.tar.xz", kArchive, "xz");
    fs::create_directories(rootfs / "existing");
    for (const CopyRequest &r : {request({"a.txt"}, "/x"), request({"src"}, "/existing"),
                                 request({"a.txt", "src"}, "/m/"), add({"bundle.tar.xz"}, "/u")}) {
        std::string planned;
        plan(r, &planned);
        EXPECT_EQ(planned, checksum(r)) << r.sources.front();
    }
    // The destination does not enter it: the cache lookup has none.
    EXPECT_EQ(checksum(request({"src"}, "/one")), checksum(request({"src"}, "/two/")));
}

TEST_F(Add, ChecksumIgnoresMtimesButNotContentModesOwnersOrLinks) {
    test::write_file(context / "src/a.txt", "a", 0644);
    fs::create_symlink("a.txt", context / "src/l");
    const CopyRequest r = request({"src"}, "/app");
    const std::string base = checksum(r);
    EXPECT_EQ(base.rfind("dir:", 0), 0u);

    const struct timespec times[2] = {{12345, 0}, {12345, 0}};
    ::utimensat(AT_FDCWD, (context / "src/a.txt").c_str(), times, 0);
    ::utimensat(AT_FDCWD, (context / "src").c_str(), times, 0);
    EXPECT_EQ(checksum(r), base);

    ::chmod((context / "src/a.txt").c_str(), 0600);
    const std::string mode_changed = checksum(r);
    EXPECT_NE(mode_changed, base);
    ::chmod((context / "src/a.txt").c_str(), 0644);
    EXPECT_EQ(checksum(r), base);

    test::write_file(context / "src/a.txt", "A", 0644);
    EXPECT_NE(checksum(r), base);
    test::write_file(context / "src/a.txt", "a", 0644);
    EXPECT_EQ(checksum(r), base);

    CopyRequest chowned = r;
    chowned.chown = std::make_pair(uid_t{1}, gid_t{1});
    EXPECT_NE(checksum(chowned), base);
    CopyRequest chmodded = r;
    chmodded.chmod = 0700;
    EXPECT_NE(checksum(chmodded), base);

    fs::remove(context / "src/l");
    fs::create_symlink("elsewhere", context / "src/l");
    EXPECT_NE(checksum(r), base);
}

} // namespace
} // namespace berth::build
