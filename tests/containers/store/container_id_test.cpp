#include "containers/store/container_id.h"

#include <gtest/gtest.h>

#include <set>

using namespace berth::containers;

TEST(ContainerId, Is64LowercaseHexAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string id = generate_container_id();
        EXPECT_TRUE(is_full_container_id(id)) << id;
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 200u);
}

TEST(ContainerId, AllNumericShortFormIsDrawnAgain) {
    const std::string numeric = "123456789012" + std::string(52, 'a');
    const std::string good = "12345678901a" + std::string(52, 'b');
    int calls = 0;
    std::string id = generate_container_id([&] { return ++calls < 3 ? numeric : good; });
    EXPECT_EQ(id, good);
    EXPECT_EQ(calls, 3);
}

TEST(ContainerId, ShortFormIsTwelveChars) {
    EXPECT_EQ(short_id("0123456789abcdef0123"), "0123456789ab");
    EXPECT_FALSE(is_full_container_id("ABC"));
    EXPECT_FALSE(is_full_container_id(std::string(64, 'A')));
    EXPECT_FALSE(is_full_container_id(std::string(63, 'a')));
}
