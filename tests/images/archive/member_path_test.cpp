// Archive member names: normalisation and the names that are refused.
#include "images/archive/member_path.h"
#include "images/errors.h"

#include <gtest/gtest.h>

using namespace berth::images;
using namespace berth::images::archive;

TEST(MemberPath, Normalises) {
    EXPECT_EQ(normalize_member_name("manifest.json"), "manifest.json");
    EXPECT_EQ(normalize_member_name("./manifest.json"), "manifest.json");
    EXPECT_EQ(normalize_member_name("blobs//sha256/./x/"), "blobs/sha256/x");
    EXPECT_EQ(normalize_member_name("a..b/c.."), "a..b/c..");
}

TEST(MemberPath, RefusesEscapes) {
    for (const char *bad : {"../x", "a/../../x", "a/../b", "..", "/etc/passwd", "", ".", "./", "//x"}) {
        EXPECT_THROW(normalize_member_name(bad), InvalidArgument) << bad;
    }
    EXPECT_THROW(normalize_member_name(std::string("a\0b", 3)), InvalidArgument);
    EXPECT_THROW(normalize_member_name(std::string(5000, 'a')), InvalidArgument);
    try {
        normalize_member_name("../evil", "manifest.json path");
        FAIL();
    } catch (const InvalidArgument &e) {
        EXPECT_STREQ(e.what(), "invalid manifest.json path \"../evil\": path leads outside the archive");
    }
}

TEST(MemberPath, ResolvesLinksInsideTheArchive) {
    EXPECT_EQ(resolve_link_target("b/layer.tar", "../a/layer.tar"), "a/layer.tar");
    EXPECT_EQ(resolve_link_target("b/layer.tar", "other.tar"), "b/other.tar");
    EXPECT_EQ(resolve_link_target("top", "./x//y"), "x/y");
    EXPECT_EQ(resolve_link_target("b/layer.tar", "../../x"), std::nullopt);
    EXPECT_EQ(resolve_link_target("b/layer.tar", "/etc/passwd"), std::nullopt);
    EXPECT_EQ(resolve_link_target("b/layer.tar", ".."), std::nullopt);
    EXPECT_EQ(resolve_link_target("b/layer.tar", ""), std::nullopt);
}
