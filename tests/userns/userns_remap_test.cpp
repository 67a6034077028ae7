// resolve_userns_remap against scratch passwd/group/subuid/subgid files
// (dockerd's rules), remapped_root_name, and the IdMap helpers.
#include "config/id_map.h"
#include "config/userns_remap.h"

#include "../images/test_util.h"

#include <gtest/gtest.h>

#include <string>

using berth::config::IdMap;
using berth::config::remapped_root_name;
using berth::config::resolve_userns_remap;
using berth::config::UsernsFiles;
using berth::config::UsernsRemapError;
using berth::images::test::read_all;
using berth::images::test::TempDir;
using berth::images::test::write_all;

namespace {

const char *kPasswd = "root:x:0:0:root:/root:/bin/bash\n"
                      "alice:x:1500:1500::/home/alice:/bin/sh\n"
                      "carol:x:1600:100::/home/carol:/bin/sh\n"
                      "dave:x:1700:1700::/home/dave:/bin/sh\n";
const char *kGroup = "root:x:0:\n"
                     "users:x:100:\n"
                     "staff:x:50:alice\n"
                     "alice:x:1500:\n"
                     "dave:x:1700:\n";

class ResolveRemap : public ::testing::Test {
protected:
    TempDir tmp;
    UsernsFiles files{tmp.path() / "passwd", tmp.path() / "group", tmp.path() / "subuid", tmp.path() / "subgid"};

    void SetUp() override {
        write_all(files.passwd, kPasswd);
        write_all(files.group, kGroup);
        write_all(files.subuid, "");
        write_all(files.subgid, "");
    }
    void ranges(const std::string &subuid, const std::string &subgid) {
        write_all(files.subuid, subuid);
        write_all(files.subgid, subgid);
    }
    IdMap resolve(const std::string &value, bool create_default = false) {
        return resolve_userns_remap(value, files, create_default);
    }
    // The error's text, or "" (and a failure) when nothing was thrown.
    std::string error(const std::string &value, bool create_default = false) {
        try {
            resolve(value, create_default);
        } catch (const UsernsRemapError &e) {
            return e.what();
        }
        ADD_FAILURE() << "no UsernsRemapError for \"" << value << "\"";
        return "";
    }
};

void expect_map(const IdMap &m, uint32_t uid, uint32_t gid, uint32_t size) {
    EXPECT_EQ(m.uid, uid);
    EXPECT_EQ(m.gid, gid);
    EXPECT_EQ(m.size, size);
    EXPECT_TRUE(m.enabled());
}

TEST_F(ResolveRemap, EmptyValueIsDisabled) {
    // Not even the files are needed.
    const auto m = resolve_userns_remap("", UsernsFiles{"/nonexistent/p", "/nonexistent/g", "/nonexistent/u",
                                                        "/nonexistent/gg"});
    EXPECT_FALSE(m.enabled());
    EXPECT_EQ(m.size, 0u);
    EXPECT_EQ(m.uid, 0u);
    EXPECT_EQ(m.gid, 0u);
}

TEST_F(ResolveRemap, UserAloneUsesTheGroupOfTheSameName) {
    ranges("root:1000000:65536\nalice:100000:65536\n", "alice:200000:65536\nstaff:300000:65536\n");
    expect_map(resolve("alice"), 100000, 200000, 65536);
}

TEST_F(ResolveRemap, RangesAreFoundByNumericIdLinesToo) {
    // subuid/subgid lines may name the account by id (dockerd looks up both).
    ranges("1500:110000:65536\n", "1500:210000:65536\n");
    expect_map(resolve("alice"), 110000, 210000, 65536);
}

TEST_F(ResolveRemap, UserWithoutAGroupOfItsNameTakesGidRangesUnderTheUserName) {
    // carol has no group "carol": the subgid range is the user's own.
    ranges("carol:120000:65536\n", "carol:220000:65536\nusers:900000:65536\n");
    expect_map(resolve("carol"), 120000, 220000, 65536);
}

TEST_F(ResolveRemap, UserAndGroup) {
    ranges("alice:100000:65536\n", "alice:200000:65536\nstaff:300000:65536\n");
    expect_map(resolve("alice:staff"), 100000, 300000, 65536);
}

TEST_F(ResolveRemap, NumericUidAndGid) {
    // Ids of existing accounts resolve to them (ranges under names or ids).
    ranges("alice:100000:65536\n", "50:300000:65536\n");
    expect_map(resolve("1500:50"), 100000, 300000, 65536);
    // Ids without an account: the ranges are looked up by the number.
    ranges("4000:130000:65536\n", "4001:230000:65536\n");
    expect_map(resolve("4000:4001"), 130000, 230000, 65536);
    ranges("4000:130000:65536\n", "4000:230000:65536\n");
    expect_map(resolve("4000"), 130000, 230000, 65536);
}

TEST_F(ResolveRemap, TheFirstRangeWins) {
    ranges("bob:1:2\nalice:100000:65536\nalice:500000:65536\n",
           "alice:200000:65536\nalice:600000:65536\n");
    expect_map(resolve("alice"), 100000, 200000, 65536);
}

TEST_F(ResolveRemap, MalformedAndEmptyRangesAreSkipped) {
    ranges("alice:x:65536\nalice:100000\nalice:150000:0\n# comment\nalice:160000:65536\n",
           "alice:200000:65536:extra\nalice:260000:65536\n");
    expect_map(resolve("alice"), 160000, 260000, 65536);
}

TEST_F(ResolveRemap, CountMismatchTakesTheSmallerSize) {
    ranges("alice:100000:65536\n", "alice:200000:1000\n");
    expect_map(resolve("alice"), 100000, 200000, 1000);
    ranges("alice:100000:500\n", "alice:200000:65536\n");
    expect_map(resolve("alice"), 100000, 200000, 500);
}

TEST_F(ResolveRemap, MissingUserOrGroupIsAnError) {
    ranges("bob:100000:65536\n", "bob:200000:65536\nghosts:300000:65536\n");
    EXPECT_NE(error("bob").find("no such user: bob"), std::string::npos) << error("bob");
    EXPECT_NE(error("alice:ghosts").find("no such group: ghosts"), std::string::npos) << error("alice:ghosts");
}

TEST_F(ResolveRemap, MissingRangeIsAnErrorNamingTheFile) {
    ranges("", "alice:200000:65536\n");
    auto msg = error("alice");
    EXPECT_NE(msg.find("uid"), std::string::npos) << msg;
    EXPECT_NE(msg.find("alice"), std::string::npos) << msg;
    EXPECT_NE(msg.find(files.subuid.string()), std::string::npos) << msg;

    ranges("alice:100000:65536\n", "staff:300000:65536\n");
    msg = error("alice");
    EXPECT_NE(msg.find("gid"), std::string::npos) << msg;
    EXPECT_NE(msg.find(files.subgid.string()), std::string::npos) << msg;

    msg = error("dave");
    EXPECT_NE(msg.find(files.subuid.string()), std::string::npos) << msg;
}

TEST_F(ResolveRemap, MissingFilesAreMissingRanges) {
    files.subuid = tmp.path() / "no-subuid";
    const auto msg = error("alice");
    EXPECT_NE(msg.find(files.subuid.string()), std::string::npos) << msg;
}

TEST_F(ResolveRemap, MalformedValuesAreErrors) {
    ranges("alice:100000:65536\n", "alice:200000:65536\n");
    for (const char *v : {"alice:", ":staff", ":"}) {
        const auto msg = error(v);
        EXPECT_NE(msg.find("expected user[:group]"), std::string::npos) << v << ": " << msg;
    }
}

TEST_F(ResolveRemap, ARangeBeyond32BitsIsAnError) {
    ranges("alice:4294967000:65536\n", "alice:200000:65536\n");
    EXPECT_NE(error("alice").find("out of bounds"), std::string::npos);
}

TEST_F(ResolveRemap, DefaultWithoutDockremapAndNoCreateIsAnError) {
    const auto msg = error("default");
    EXPECT_NE(msg.find("dockremap"), std::string::npos) << msg;
    EXPECT_EQ(read_all(files.passwd), kPasswd);
    EXPECT_EQ(read_all(files.subuid), "");
}

TEST_F(ResolveRemap, DefaultUsesAnExistingDockremap) {
    write_all(files.passwd, std::string(kPasswd) + "dockremap:x:999:999::/nonexistent:/usr/sbin/nologin\n");
    write_all(files.group, std::string(kGroup) + "dockremap:x:999:\n");
    ranges("alice:100000:65536\ndockremap:165536:65536\n", "alice:200000:65536\ndockremap:265536:65536\n");
    expect_map(resolve("default"), 165536, 265536, 65536);
    // With creation allowed, an existing user with ranges is taken as is.
    expect_map(resolve("default", true), 165536, 265536, 65536);
    EXPECT_EQ(read_all(files.subuid), "alice:100000:65536\ndockremap:165536:65536\n");
    EXPECT_EQ(read_all(files.subgid), "alice:200000:65536\ndockremap:265536:65536\n");
}

TEST_F(ResolveRemap, DefaultWithoutRangesAndNoCreateIsAnErrorNamingTheFile) {
    write_all(files.passwd, std::string(kPasswd) + "dockremap:x:999:999::/nonexistent:/usr/sbin/nologin\n");
    ranges("alice:100000:65536\n", "alice:200000:65536\n");
    const auto msg = error("default");
    EXPECT_NE(msg.find(files.subuid.string()), std::string::npos) << msg;
    EXPECT_EQ(read_all(files.subuid), "alice:100000:65536\n");
}

TEST_F(ResolveRemap, DefaultAddsMissingRangesAfterTheLastOne) {
    // The user exists (no useradd is run); its ranges are appended past
    // every range already handed out, 65536 ids each.
    write_all(files.passwd, std::string(kPasswd) + "dockremap:x:999:999::/nonexistent:/usr/sbin/nologin\n");
    write_all(files.group, std::string(kGroup) + "dockremap:x:999:\n");
    ranges("alice:100000:65536\nbob:300000:1000\n", "dockremap:400000:65536\n");
    expect_map(resolve("default", true), 301000, 400000, 65536);
    EXPECT_EQ(read_all(files.subuid), "alice:100000:65536\nbob:300000:1000\ndockremap:301000:65536\n");
    EXPECT_EQ(read_all(files.subgid), "dockremap:400000:65536\n");
    // Empty files: the first range starts at 100000.
    ranges("", "");
    expect_map(resolve("default", true), 100000, 100000, 65536);
    EXPECT_EQ(read_all(files.subuid), "dockremap:100000:65536\n");
    EXPECT_EQ(read_all(files.subgid), "dockremap:100000:65536\n");
}

TEST(RemappedRootName, IsUidDotGid) {
    EXPECT_EQ(remapped_root_name(IdMap{100000, 200000, 65536}), "100000.200000");
    EXPECT_EQ(remapped_root_name(IdMap{231072, 231072, 65536}), "231072.231072");
}

TEST(IdMapHelpers, DisabledIsTheIdentity) {
    const IdMap m;
    EXPECT_FALSE(m.enabled());
    EXPECT_EQ(m.root_uid(), 0u);
    EXPECT_EQ(m.root_gid(), 0u);
    for (uint32_t id : {0u, 1u, 1000u, 65534u, 65536u, 4294967294u}) {
        EXPECT_EQ(m.host_uid(id), id);
        EXPECT_EQ(m.host_gid(id), id);
        EXPECT_EQ(m.container_uid(id), id);
        EXPECT_EQ(m.container_gid(id), id);
    }
}

TEST(IdMapHelpers, ContainerIdsShiftIntoTheRange) {
    const IdMap m{100000, 200000, 65536};
    EXPECT_TRUE(m.enabled());
    EXPECT_EQ(m.root_uid(), 100000u);
    EXPECT_EQ(m.root_gid(), 200000u);
    EXPECT_EQ(m.host_uid(0), 100000u);
    EXPECT_EQ(m.host_gid(0), 200000u);
    EXPECT_EQ(m.host_uid(1000), 101000u);
    EXPECT_EQ(m.host_gid(50), 200050u);
    EXPECT_EQ(m.host_uid(65535), 165535u);
    EXPECT_EQ(m.host_gid(65535), 265535u);
    // The map has no id >= size.
    EXPECT_EQ(m.host_uid(65536), std::nullopt);
    EXPECT_EQ(m.host_gid(65536), std::nullopt);
    EXPECT_EQ(m.host_uid(4294967295u), std::nullopt);
}

TEST(IdMapHelpers, HostIdsMapBackOrShowAsOverflow) {
    const IdMap m{100000, 200000, 65536};
    EXPECT_EQ(m.container_uid(100000), 0u);
    EXPECT_EQ(m.container_uid(101000), 1000u);
    EXPECT_EQ(m.container_uid(165535), 65535u);
    EXPECT_EQ(m.container_gid(200000), 0u);
    EXPECT_EQ(m.container_gid(265535), 65535u);
    // Outside the range (below, above, the other side's base): 65534.
    EXPECT_EQ(m.container_uid(0), 65534u);
    EXPECT_EQ(m.container_uid(99999), 65534u);
    EXPECT_EQ(m.container_uid(165536), 65534u);
    EXPECT_EQ(m.container_uid(200000), 65534u);
    EXPECT_EQ(m.container_gid(0), 65534u);
    EXPECT_EQ(m.container_gid(100000), 65534u);
    EXPECT_EQ(m.container_gid(265536), 65534u);
    EXPECT_EQ(m.container_gid(4294967295u), 65534u);
    // Round trip over the whole range's edges.
    for (uint32_t id : {0u, 1u, 65534u, 65535u}) {
        EXPECT_EQ(m.container_uid(*m.host_uid(id)), id);
        EXPECT_EQ(m.container_gid(*m.host_gid(id)), id);
    }
}

} // namespace
