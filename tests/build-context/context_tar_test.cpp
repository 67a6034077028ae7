// context_tar_test.cpp — the tar `berth build` sends: sorted relative
// names, owners 0:0, modes and mtimes kept, symlinks never followed,
// .dockerignore with exceptions, the always-sent files and an extra
// Dockerfile.
#include "build/context/context_tar.h"

#include "tar_fixture.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace berth::build {
namespace {

using test::TempDir;

std::vector<test::TarEntry> tar_of(const TempDir &dir, const ContextTarOptions &options = {},
                                   ContextTarStats *stats = nullptr) {
    images::UniqueFd out = test::memfd_with("");
    const ContextTarStats s = write_context_tar(dir.path(), options, out.get());
    if (stats) *stats = s;
    return test::read_tar(out.get());
}

TEST(ContextTar, SortedRelativeNamesRootOwnersKeptModesAndTimes) {
    TempDir dir;
    test::write_file(dir / "b.txt", "bee", 0640);
    test::write_file(dir / "a/z.sh", "#!/bin/sh\n", 0755);
    test::write_file(dir / "a/y.txt", "why");
    ::symlink("/etc", (dir / "etc-link").c_str());
    const struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
    ::utimensat(AT_FDCWD, (dir / "b.txt").c_str(), times, 0);
    if (::geteuid() == 0) ::chown((dir / "b.txt").c_str(), 1234, 5678);

    const auto entries = tar_of(dir);
    EXPECT_EQ(test::names(entries),
              (std::vector<std::string>{"a/", "a/y.txt", "a/z.sh", "b.txt", "etc-link"}));
    const auto m = test::by_name(entries);
    EXPECT_EQ(m.at("b.txt").content, "bee");
    EXPECT_EQ(m.at("b.txt").mode, 0640u);
    EXPECT_EQ(m.at("b.txt").mtime, 1000000000);
    EXPECT_EQ(m.at("b.txt").uid, 0u);
    EXPECT_EQ(m.at("b.txt").gid, 0u);
    EXPECT_EQ(m.at("a/z.sh").mode, 0755u);
    EXPECT_EQ(m.at("a/").type, 'd');
    // The symlink is stored as one; nothing of the host's /etc is read.
    EXPECT_EQ(m.at("etc-link").type, 'l');
    EXPECT_EQ(m.at("etc-link").content, "/etc");
}

TEST(ContextTar, IgnoreWithExceptionsAndAlwaysIncludedFiles) {
    TempDir dir;
    test::write_file(dir / "Dockerfile", "FROM scratch\n");
    test::write_file(dir / ".dockerignore", "x");
    test::write_file(dir / "app.log", "log");
    test::write_file(dir / "src/main.c", "int main;");
    test::write_file(dir / "build/keep.txt", "keep");
    test::write_file(dir / "build/drop.o", "obj");
    test::write_file(dir / "build/sub/deep.o", "obj");
    ContextTarOptions options;
    options.ignore = IgnoreMatcher::parse("*.log\nbuild\n!build/keep.txt\nDockerfile\n.dockerignore\n");
    options.always_include = {"Dockerfile", ".dockerignore"};
    const auto entries = tar_of(dir, options);
    // Like the docker CLI, "build/" itself is not sent: only what the
    // exception brings back below it.
    EXPECT_EQ(test::names(entries), (std::vector<std::string>{".dockerignore", "Dockerfile", "build/keep.txt",
                                                              "src/", "src/main.c"}));
}

TEST(ContextTar, ExtraDockerfileIsAddedAndReplacesAFileOfTheSameName) {
    TempDir dir;
    test::write_file(dir / "Dockerfile", "FROM old\n");
    test::write_file(dir / "f", "f");
    ContextTarOptions options;
    options.extra_name = "Dockerfile";
    options.extra_content = "FROM new\n";
    ContextTarStats stats;
    const auto entries = tar_of(dir, options, &stats);
    // Followed by a .dockerignore naming it and itself, so the daemon drops
    // both from the context after reading them (the docker CLI's way).
    EXPECT_EQ(test::names(entries), (std::vector<std::string>{"f", ".dockerignore", "Dockerfile"}));
    EXPECT_EQ(test::by_name(entries).at("Dockerfile").content, "FROM new\n");
    EXPECT_EQ(test::by_name(entries).at(".dockerignore").content, ".dockerignore\nDockerfile\n");
    EXPECT_EQ(stats.entries, 3u);
}

TEST(ContextTar, StatsCountTheBytesWritten) {
    TempDir dir;
    test::write_file(dir / "data", std::string(100000, 'x'));
    images::UniqueFd out = test::memfd_with("");
    const ContextTarStats stats = write_context_tar(dir.path(), {}, out.get());
    EXPECT_EQ(stats.bytes, test::fd_bytes(out.get()).size());
    EXPECT_GT(stats.bytes, 100000u);
    EXPECT_EQ(stats.entries, 1u);
}

TEST(ContextTar, SocketsAreSkipped) {
    TempDir dir;
    test::write_file(dir / "file", "x");
    const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = (dir / "sock").string();
    if (path.size() >= sizeof addr.sun_path) GTEST_SKIP() << "temp path too long for a socket";
    std::strcpy(addr.sun_path, path.c_str());
    ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    const auto entries = tar_of(dir);
    ::close(s);
    EXPECT_EQ(test::names(entries), (std::vector<std::string>{"file"}));
}

TEST(ContextTar, MissingDirectoryIsAnErrorNamingIt) {
    TempDir dir;
    images::UniqueFd out = test::memfd_with("");
    try {
        write_context_tar(dir / "nope", {}, out.get());
        FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("error checking context"), std::string::npos) << what;
        EXPECT_NE(what.find((dir / "nope").string()), std::string::npos) << what;
    }
}

TEST(ContextTar, UnreadableFileIsAnErrorNamingIt) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads every file; needs an unprivileged user";
    TempDir dir;
    test::write_file(dir / "secret", "s", 0000);
    images::UniqueFd out = test::memfd_with("");
    try {
        write_context_tar(dir.path(), {}, out.get());
        FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
        EXPECT_NE(std::string(e.what()).find((dir / "secret").string()), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace berth::build
