// `berth build -`: telling a context tar from a Dockerfile on stdin, and the
// one-file tar made around a Dockerfile.
#include "build_stdin.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tar_reader.h"

using namespace berth::cli;

TEST(BuildStdin, TarIsAnArchive) {
    const std::string tar = single_file_tar("Dockerfile", "FROM busybox\n");
    EXPECT_TRUE(looks_like_archive(std::string_view(tar).substr(0, 512)));
}

TEST(BuildStdin, CompressedStreamsAreArchives) {
    EXPECT_TRUE(looks_like_archive("\x1f\x8b\x08\x00rest"));
    EXPECT_TRUE(looks_like_archive("BZh91AY"));
    EXPECT_TRUE(looks_like_archive(std::string("\xfd\x37\x7a\x58\x5a\x00", 6)));
    EXPECT_TRUE(looks_like_archive("\x28\xb5\x2f\xfd"));
}

TEST(BuildStdin, DockerfileTextIsNotAnArchive) {
    EXPECT_FALSE(looks_like_archive("FROM busybox\nRUN true\n"));
    EXPECT_FALSE(looks_like_archive(""));
    // 512 bytes of text: a header-sized block whose checksum does not add up.
    EXPECT_FALSE(looks_like_archive(std::string(512, 'x')));
}

TEST(BuildStdin, CorruptTarHeaderIsNotAnArchive) {
    std::string tar = single_file_tar("Dockerfile", "FROM busybox\n");
    tar[0] = static_cast<char>(tar[0] + 1);  // the checksum no longer matches
    EXPECT_FALSE(looks_like_archive(std::string_view(tar).substr(0, 512)));
}

TEST(BuildStdin, SingleFileTarHoldsTheDockerfile) {
    const auto entries = tar_entries(single_file_tar("Dockerfile", "FROM busybox\nCMD [\"true\"]\n"));
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries.at("Dockerfile"), "FROM busybox\nCMD [\"true\"]\n");
}

TEST(BuildStdin, ReadsTheIstreamWhenThereIsNoFd) {
    std::istringstream in("FROM scratch\n");
    Console console;
    console.in = &in;
    console.in_fd = -1;
    EXPECT_EQ(read_all_stdin(console), "FROM scratch\n");
}
