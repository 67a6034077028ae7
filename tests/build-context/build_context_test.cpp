// build_context_test.cpp — the daemon's copy of a context: compressed and
// plain tars extracted into a private directory that goes away with the
// object, hostile tars refused or contained, read_file kept in the root,
// .dockerignore applied by deleting.
#include "build/context/build_context.h"

#include "tar_fixture.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace berth::build {
namespace {

namespace fs = std::filesystem;
using test::TarEntry;
using test::TempDir;

std::vector<TarEntry> sample() {
    return {{"Dockerfile", 'f', 0644, 0, 0, "FROM scratch\n"},
            {"src/", 'd', 0750, 0, 0, ""},
            {"src/a.txt", 'f', 0600, 1234, 4321, "alpha"},
            {"link", 'l', 0777, 0, 0, "src/a.txt"}};
}

void expect_sample(const BuildContext &ctx) {
    EXPECT_EQ(test::read_whole(ctx.root() / "Dockerfile"), "FROM scratch\n");
    EXPECT_EQ(test::read_whole(ctx.root() / "src/a.txt"), "alpha");
    EXPECT_TRUE(fs::is_symlink(ctx.root() / "link"));
    struct stat st {};
    ASSERT_EQ(::stat((ctx.root() / "src/a.txt").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    if (::geteuid() == 0) {
        EXPECT_EQ(st.st_uid, 1234u); // owners as in the tar: no id map
        EXPECT_EQ(st.st_gid, 4321u);
    }
}

class ExtractCompressed : public ::testing::TestWithParam<std::string> {};

TEST_P(ExtractCompressed, DetectsTheCompressionFromTheBytes) {
    TempDir scratch;
    images::UniqueFd body = test::make_tar(sample(), GetParam());
    BuildContext ctx = BuildContext::extract(body.get(), scratch.path());
    expect_sample(ctx);
}

INSTANTIATE_TEST_SUITE_P(Compressions, ExtractCompressed, ::testing::Values("none", "gzip", "bzip2", "xz"));

TEST(BuildContext, FreshPrivateDirectoryRemovedWithTheObject) {
    TempDir scratch;
    fs::path root;
    {
        images::UniqueFd body = test::make_tar(sample());
        BuildContext first = BuildContext::extract(body.get(), scratch.path());
        BuildContext ctx(std::move(first)); // the moved-from object must not remove it
        root = ctx.root();
        EXPECT_EQ(root.parent_path(), scratch.path());
        EXPECT_EQ(root.filename().string().rfind("ctx-", 0), 0u);
        struct stat st {};
        ASSERT_EQ(::stat(root.c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 07777, 0700u);
        EXPECT_TRUE(fs::exists(root / "Dockerfile"));
        EXPECT_GE(ctx.root_fd(), 0);
    }
    EXPECT_FALSE(fs::exists(root));
}

TEST(BuildContext, EmptyBodyIsAnEmptyContext) {
    TempDir scratch;
    images::UniqueFd body = test::memfd_with("");
    BuildContext ctx = BuildContext::extract(body.get(), scratch.path());
    EXPECT_TRUE(fs::is_empty(ctx.root()));
    EXPECT_FALSE(ctx.read_file("Dockerfile"));
}

TEST(BuildContext, NotATarIsInvalidArgumentAndLeavesNothing) {
    TempDir scratch;
    images::UniqueFd body = test::memfd_with(std::string(2000, 'z'));
    EXPECT_THROW(BuildContext::extract(body.get(), scratch.path()), std::invalid_argument);
    EXPECT_TRUE(fs::is_empty(scratch.path())); // neither the directory nor the spooled body stay
}

TEST(BuildContext, DotDotAndAbsoluteNamesAreRefused) {
    TempDir scratch;
    for (const std::string name : {"../escape.txt", "/abs-escape.txt", "a/../../escape.txt"}) {
        images::UniqueFd body = test::make_tar({{"ok.txt", 'f', 0644, 0, 0, "ok"}, {name, 'f', 0644, 0, 0, "evil"}});
        EXPECT_THROW(BuildContext::extract(body.get(), scratch.path()), std::invalid_argument) << name;
        EXPECT_FALSE(fs::exists(scratch.path().parent_path() / "escape.txt"));
        EXPECT_TRUE(fs::is_empty(scratch.path())) << name;
    }
    EXPECT_FALSE(fs::exists("/abs-escape.txt"));
}

TEST(BuildContext, SymlinkToRootThenThroughItStaysInside) {
    TempDir scratch;
    const std::string unique = "bctx-escape-" + std::to_string(::getpid());
    images::UniqueFd body = test::make_tar({{"l", 'l', 0777, 0, 0, "/"},
                                            {"l/" + unique, 'f', 0644, 0, 0, "contained"}});
    try {
        BuildContext ctx = BuildContext::extract(body.get(), scratch.path());
        EXPECT_EQ(test::read_whole(ctx.root() / unique), "contained");
    } catch (const std::invalid_argument &) {
        // Refusing is as good as containing.
    }
    EXPECT_FALSE(fs::exists("/" + unique));
}

TEST(BuildContext, ReadFileFollowsSymlinksOnlyInsideTheRoot) {
    TempDir scratch;
    images::UniqueFd body = test::make_tar({{"Dockerfile", 'f', 0644, 0, 0, "FROM a\n"},
                                            {"inside", 'l', 0777, 0, 0, "Dockerfile"},
                                            {"outside", 'l', 0777, 0, 0, "/etc/hostname"},
                                            {"up", 'l', 0777, 0, 0, "../../../../etc/passwd"},
                                            {"dir/", 'd', 0755, 0, 0, ""}});
    BuildContext ctx = BuildContext::extract(body.get(), scratch.path());
    EXPECT_EQ(ctx.read_file("Dockerfile"), "FROM a\n");
    EXPECT_EQ(ctx.read_file("inside"), "FROM a\n");
    EXPECT_FALSE(ctx.read_file("outside")); // the context's /etc/hostname: missing
    EXPECT_FALSE(ctx.read_file("up"));
    EXPECT_FALSE(ctx.read_file("missing"));
    EXPECT_FALSE(ctx.read_file("dir"));
}

TEST(BuildContext, ApplyIgnoreDeletesExcludedPathsButKeepsTheNamedOnes) {
    TempDir scratch;
    images::UniqueFd body = test::make_tar({{"Dockerfile", 'f', 0644, 0, 0, "FROM a\n"},
                                            {".dockerignore", 'f', 0644, 0, 0, "*\n"},
                                            {"a.log", 'f', 0644, 0, 0, "x"},
                                            {"build/keep.txt", 'f', 0644, 0, 0, "k"},
                                            {"build/drop.o", 'f', 0644, 0, 0, "d"},
                                            {"src/main.c", 'f', 0644, 0, 0, "m"},
                                            {"src/x.log", 'f', 0644, 0, 0, "x"}});
    BuildContext ctx = BuildContext::extract(body.get(), scratch.path());
    ctx.apply_ignore(IgnoreMatcher::parse("**/*.log\nbuild\n!build/keep.txt\nDockerfile\n.dockerignore\n"),
                     {"Dockerfile", ".dockerignore"});
    EXPECT_TRUE(fs::exists(ctx.root() / "Dockerfile"));
    EXPECT_TRUE(fs::exists(ctx.root() / ".dockerignore"));
    EXPECT_FALSE(fs::exists(ctx.root() / "a.log"));
    EXPECT_FALSE(fs::exists(ctx.root() / "src/x.log"));
    EXPECT_TRUE(fs::exists(ctx.root() / "src/main.c"));
    EXPECT_TRUE(fs::exists(ctx.root() / "build/keep.txt"));
    EXPECT_FALSE(fs::exists(ctx.root() / "build/drop.o"));
}

} // namespace
} // namespace berth::build
