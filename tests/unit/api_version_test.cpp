#include "api/api_version.h"

#include <gtest/gtest.h>

using namespace berth::api;

TEST(ApiVersion, SplitsAVersionedTarget) {
    const auto s = split_target("/v1.44/containers/json?all=1");
    EXPECT_EQ(s.version, "1.44");
    EXPECT_EQ(s.path, "/containers/json");
    EXPECT_EQ(s.query, "all=1");
}

TEST(ApiVersion, LeavesAnUnversionedTargetAlone) {
    const auto s = split_target("/version");
    EXPECT_EQ(s.version, "");
    EXPECT_EQ(s.path, "/version");
}

TEST(ApiVersion, DoesNotMistakeAnImageNameForAVersion) {
    EXPECT_EQ(split_target("/images/v1.2/json").version, "");
    EXPECT_EQ(split_target("/vfoo/json").version, "");
}

TEST(ApiVersion, ComparesNumerically) {
    EXPECT_EQ(compare_versions("1.9", "1.10"), -1);
    EXPECT_EQ(compare_versions("1.44", "1.44"), 0);
    EXPECT_EQ(compare_versions("2.0", "1.99"), 1);
    EXPECT_FALSE(compare_versions("1.x", "1.2").has_value());
}

TEST(ApiVersion, RefusesTooNewAndTooOldWithDockersWording) {
    EXPECT_EQ(check_version("1.50"), "client version 1.50 is too new. Maximum supported API version is 1.44");
    EXPECT_NE(check_version("1.12").find("is too old"), std::string::npos);
    EXPECT_EQ(check_version("1.24"), "");
    EXPECT_EQ(check_version("1.44"), "");
    EXPECT_EQ(check_version(""), "");
}
