// The X-Docker-Container-Path-Stat header: Go FileMode bits and moby's JSON.
#include "containers/archive/path_stat.h"
#include "registry/base64.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace berth::containers::archive {
namespace {

TEST(GoFileMode, TypeBitsAreGos) {
    EXPECT_EQ(go_file_mode(S_IFDIR | 0755), 2147484141u); // the value docker's docs quote
    EXPECT_EQ(go_file_mode(S_IFREG | 0644), 0644u);
    EXPECT_EQ(go_file_mode(S_IFLNK | 0777), (1u << 27) | 0777);
    EXPECT_EQ(go_file_mode(S_IFCHR | 0620), (1u << 26) | (1u << 21) | 0620);
    EXPECT_EQ(go_file_mode(S_IFBLK | 0660), (1u << 26) | 0660);
    EXPECT_EQ(go_file_mode(S_IFIFO | 0600), (1u << 25) | 0600);
    EXPECT_EQ(go_file_mode(S_IFSOCK | 0755), (1u << 24) | 0755);
    EXPECT_EQ(go_file_mode(S_IFREG | S_ISUID | S_ISGID | 0755), (1u << 23) | (1u << 22) | 0755);
    EXPECT_EQ(go_file_mode(S_IFDIR | S_ISVTX | 0777), (1u << 31) | (1u << 20) | 0777);
}

TEST(PathStat, JsonInMobysFieldOrder) {
    struct stat st {};
    st.st_mode = S_IFLNK | 0777;
    st.st_size = 4;
    st.st_mtim = {1700000000, 500000000};
    const auto s = make_path_stat("link", st, "/dir");
    EXPECT_EQ(path_stat_json(s), R"({"name":"link","size":4,"mode":134218239,"mtime":"2023-11-14T22:13:20.5Z",)"
                                 R"("linkTarget":"/dir"})");
}

TEST(PathStat, HeaderIsStandardBase64OfTheJson) {
    struct stat st {};
    st.st_mode = S_IFDIR | 0755;
    st.st_mtim = {0, 0};
    const auto s = make_path_stat("/", st, "");
    const auto decoded = registry::detail::base64_decode(path_stat_header(s));
    ASSERT_TRUE(decoded);
    const auto j = nlohmann::json::parse(*decoded);
    EXPECT_EQ(j["name"], "/");
    EXPECT_EQ(j["mode"], 2147484141u);
    EXPECT_EQ(j["mtime"], "1970-01-01T00:00:00Z");
    EXPECT_EQ(j["linkTarget"], "");
}

} // namespace
} // namespace berth::containers::archive
