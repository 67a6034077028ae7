// Docker's local volume name rules and anonymous names.
#include "volumes/volume_name.h"

#include <gtest/gtest.h>

#include <set>

using namespace berth::volumes;

TEST(VolumeName, AcceptsDockerNames) {
    for (const char *ok : {"ab", "data", "my_vol", "v1.2-x", "0abc", "A-B_C.D"}) EXPECT_EQ(name_error(ok), "") << ok;
}

TEST(VolumeName, OneCharacterIsTooShort) {
    EXPECT_EQ(name_error("a"),
              "volume name is too short, names should be at least two alphanumeric characters");
}

TEST(VolumeName, RefusesCharactersThatCouldLeaveTheVolumeDirectory) {
    for (const char *bad : {"..", ".hidden", "a/b", "-x", "_x", "x y", "vol@1", "", "a\\b"}) {
        EXPECT_EQ(name_error(bad),
                  "\"" + std::string(bad) +
                      "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
                      "allowed. If you intended to pass a host directory, use absolute path")
            << bad;
    }
}

TEST(VolumeName, AnonymousNamesAre64HexAndValid) {
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) {
        const auto n = anonymous_name();
        EXPECT_EQ(n.size(), 64u);
        EXPECT_EQ(n.find_first_not_of("0123456789abcdef"), std::string::npos) << n;
        EXPECT_EQ(name_error(n), "");
        seen.insert(n);
    }
    EXPECT_EQ(seen.size(), 20u);
}
