// copy_plan_test.cpp — COPY's destination rules (file to file, to "dir/",
// to an existing directory, a directory's contents, several sources,
// WORKDIR-relative dests), globs, missing sources, --chown/--chmod and
// symlinks followed only inside the source root.
#include "build/context/copy_plan.h"
#include "containers/archive/tar_extract.h"

#include "copy_fixture.h"

#include <sys/stat.h>

#include <filesystem>

namespace berth::build {
namespace {

namespace fs = std::filesystem;
using test::by_name;
using test::names;
using Copy = test::CopyFixture;

TEST_F(Copy, FileToFileKeepsModeAndOwnsByRoot) {
    test::write_file(context / "a.txt", "alpha", 0640);
    if (::geteuid() == 0) ::chown((context / "a.txt").c_str(), 1000, 1000);
    std::string sum;
    const auto entries = plan(request({"a.txt"}, "/b.txt"), &sum);
    ASSERT_EQ(names(entries), (std::vector<std::string>{"b.txt"}));
    EXPECT_EQ(entries[0].content, "alpha");
    EXPECT_EQ(entries[0].mode, 0640u);
    EXPECT_EQ(entries[0].uid, 0u);
    EXPECT_EQ(entries[0].gid, 0u);
    EXPECT_EQ(sum.rfind("file:", 0), 0u) << sum;
    EXPECT_EQ(sum.size(), 5u + 64u);
}

TEST_F(Copy, FileToTrailingSlashGoesInsideAndCreatesTheParents) {
    test::write_file(context / "a.txt", "alpha");
    const auto entries = plan(request({"a.txt"}, "/opt/app/"));
    ASSERT_EQ(names(entries), (std::vector<std::string>{"opt/", "opt/app/", "opt/app/a.txt"}));
    EXPECT_EQ(entries[0].mode, 0755u);
    EXPECT_EQ(entries[0].uid, 0u);
}

TEST_F(Copy, FileToAnExistingDirectoryGoesInsideWithoutRecreatingIt) {
    test::write_file(context / "a.txt", "alpha");
    fs::create_directories(rootfs / "app");
    EXPECT_EQ(names(plan(request({"a.txt"}, "/app"))), (std::vector<std::string>{"app/a.txt"}));
    // An existing directory reached through a symlink in the rootfs, which
    // resolves with the rootfs as "/".
    fs::create_symlink("/app", rootfs / "shortcut");
    EXPECT_EQ(names(plan(request({"a.txt"}, "/shortcut"))), (std::vector<std::string>{"shortcut/a.txt"}));
    // An existing file is replaced, not treated as a directory.
    test::write_file(rootfs / "file", "old");
    EXPECT_EQ(names(plan(request({"a.txt"}, "/file"))), (std::vector<std::string>{"file"}));
}

TEST_F(Copy, RelativeDestIsJoinedToTheWorkdir) {
    test::write_file(context / "a.txt", "alpha");
    CopyRequest r = request({"a.txt"}, "sub/");
    r.workdir = "/work";
    EXPECT_EQ(names(plan(r)), (std::vector<std::string>{"work/", "work/sub/", "work/sub/a.txt"}));
    r = request({"a.txt"}, ".");
    r.workdir = "";
    EXPECT_EQ(names(plan(r)), (std::vector<std::string>{"a.txt"}));
}

TEST_F(Copy, DirectorySourceCopiesItsContentsNotItself) {
    test::write_file(context / "src/a.txt", "a");
    test::write_file(context / "src/sub/b.txt", "b");
    fs::create_symlink("../outside", context / "src/rel-link");
    ::chmod((context / "src").c_str(), 0750);
    std::string sum;
    const auto entries = plan(request({"src"}, "/app"), &sum);
    EXPECT_EQ(names(entries), (std::vector<std::string>{"app/", "app/a.txt", "app/rel-link", "app/sub/",
                                                        "app/sub/b.txt"}));
    const auto m = by_name(entries);
    EXPECT_EQ(m.at("app/").mode, 0750u);
    EXPECT_EQ(m.at("app/rel-link").type, 'l'); // copied as a symlink, not followed
    EXPECT_EQ(m.at("app/rel-link").content, "../outside");
    EXPECT_EQ(sum.rfind("dir:", 0), 0u) << sum;
}

TEST_F(Copy, WholeContextIntoTheRoot) {
    test::write_file(context / "a.txt", "a");
    test::write_file(context / "d/b.txt", "b");
    EXPECT_EQ(names(plan(request({"."}, "/"))), (std::vector<std::string>{"a.txt", "d/", "d/b.txt"}));
}

TEST_F(Copy, DirectoryIntoAnExistingDirectoryLeavesItAlone) {
    test::write_file(context / "src/a.txt", "a");
    fs::create_directories(rootfs / "app");
    EXPECT_EQ(names(plan(request({"src/"}, "/app/"))), (std::vector<std::string>{"app/a.txt"}));
}

TEST_F(Copy, SeveralSourcesNeedADestEndingInSlash) {
    test::write_file(context / "a.txt", "a");
    test::write_file(context / "b.txt", "b");
    EXPECT_EQ(error_of(request({"a.txt", "b.txt"}, "/dest")),
              "When using COPY with more than one source file, the destination must be a directory and end with a /");
    std::string sum;
    EXPECT_EQ(names(plan(request({"b.txt", "a.txt"}, "/dest/"), &sum)),
              (std::vector<std::string>{"dest/", "dest/b.txt", "dest/a.txt"}));
    EXPECT_EQ(sum.rfind("multi:", 0), 0u) << sum;
}

TEST_F(Copy, GlobsMatchPerElementSorted) {
    test::write_file(context / "b.txt", "b");
    test::write_file(context / "a.txt", "a");
    test::write_file(context / "c.md", "c");
    test::write_file(context / "d/e.txt", "nested: * does not cross /");
    EXPECT_EQ(names(plan(request({"*.txt"}, "/out/"))), (std::vector<std::string>{"out/", "out/a.txt", "out/b.txt"}));
    // A glob with two matches is several sources: the dest needs its "/".
    EXPECT_NE(error_of(request({"*.txt"}, "/out")).find("must be a directory and end with a /"), std::string::npos);
    EXPECT_EQ(names(plan(request({"*/e.t?t"}, "/x"))), (std::vector<std::string>{"x"}));
    EXPECT_EQ(names(plan(request({"[c].md"}, "/"))), (std::vector<std::string>{"c.md"}));
}

TEST_F(Copy, MissingSourcesSayWhereTheyWereLookedFor) {
    EXPECT_EQ(error_of(request({"missing.txt"}, "/")),
              "COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does "
              "not exist");
    EXPECT_NE(error_of(request({"*.none"}, "/")).find("file not found in build context"), std::string::npos);
    CopyRequest from = request({"missing.txt"}, "/");
    from.from_context = false;
    EXPECT_NE(error_of(from).find("no such file or directory"), std::string::npos) << error_of(from);
    CopyRequest add = request({"missing.tgz"}, "/");
    add.add = true;
    add.instruction = "ADD";
    EXPECT_EQ(error_of(add).rfind("ADD failed: ", 0), 0u) << error_of(add);
    images::UniqueFd src = context.open();
    EXPECT_THROW(copy_checksum(src.get(), request({"missing.txt"}, "/")), CopyError);
}

TEST_F(Copy, ChownAndChmodApplyToEveryCopiedEntryButNotToNewParents) {
    test::write_file(context / "src/a.txt", "a", 0644);
    test::write_file(context / "src/sub/b.txt", "b", 0755);
    CopyRequest r = request({"src"}, "/p/app");
    r.chown = std::make_pair(uid_t{1000}, gid_t{2000});
    r.chmod = 0600;
    const auto m = by_name(plan(r));
    EXPECT_EQ(m.at("p/").mode, 0755u);
    EXPECT_EQ(m.at("p/").uid, 0u);
    for (const std::string name : {"p/app/", "p/app/a.txt", "p/app/sub/", "p/app/sub/b.txt"}) {
        EXPECT_EQ(m.at(name).mode, 0600u) << name;
        EXPECT_EQ(m.at(name).uid, 1000u) << name;
        EXPECT_EQ(m.at(name).gid, 2000u) << name;
    }
}

TEST_F(Copy, SymlinkNamedAsSourceIsFollowedInsideTheRootOnly) {
    test::write_file(context / "real.txt", "real");
    fs::create_symlink("real.txt", context / "rel");
    fs::create_symlink("/real.txt", context / "abs"); // "/" is the context root
    fs::create_symlink("/etc/passwd", context / "host");
    fs::create_symlink("../../../../../etc/passwd", context / "up");
    for (const std::string link : {"rel", "abs"}) {
        const auto entries = plan(request({link}, "/copied"));
        ASSERT_EQ(names(entries), (std::vector<std::string>{"copied"})) << link;
        EXPECT_EQ(entries[0].type, 'f') << link;
        EXPECT_EQ(entries[0].content, "real") << link;
    }
    for (const std::string link : {"host", "up", "../../../../etc/passwd", "/../etc/passwd"})
        EXPECT_NE(error_of(request({link}, "/x")).find("file not found"), std::string::npos) << link;
}

TEST_F(Copy, URLSourcesAreRefused) {
    CopyRequest add = request({"https://example.com/x.tgz"}, "/");
    add.add = true;
    add.instruction = "ADD";
    EXPECT_THROW(plan_of(add), std::invalid_argument);
    EXPECT_NE(error_of(request({"http://example.com/x"}, "/")).find("URL"), std::string::npos);
}

TEST_F(Copy, ThePlanExtractsIntoTheRootfsWithTarExtract) {
    test::write_file(context / "src/a.txt", "a");
    test::write_file(context / "one.txt", "1");
    CopyPlan p = plan_of(request({"src", "one.txt"}, "/app/"));
    images::UniqueFd dst = rootfs.open();
    containers::archive::extract_tar(p.tar.get(), dst.get());
    EXPECT_EQ(test::read_whole(rootfs / "app/a.txt"), "a");
    EXPECT_EQ(test::read_whole(rootfs / "app/one.txt"), "1");
}

} // namespace
} // namespace berth::build
