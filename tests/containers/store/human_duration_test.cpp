#include "containers/store/human_duration.h"

#include <gtest/gtest.h>

using namespace berth::containers;
using namespace std::chrono;

TEST(HumanDuration, GoUnitsTable) {
    EXPECT_EQ(human_duration(milliseconds(0)), "Less than a second");
    EXPECT_EQ(human_duration(milliseconds(999)), "Less than a second");
    EXPECT_EQ(human_duration(seconds(-5)), "Less than a second");
    EXPECT_EQ(human_duration(seconds(1)), "1 second");
    EXPECT_EQ(human_duration(seconds(2)), "2 seconds");
    EXPECT_EQ(human_duration(seconds(59)), "59 seconds");
    EXPECT_EQ(human_duration(seconds(60)), "About a minute");
    EXPECT_EQ(human_duration(seconds(119)), "About a minute");
    EXPECT_EQ(human_duration(minutes(2)), "2 minutes");
    EXPECT_EQ(human_duration(minutes(59)), "59 minutes");
    EXPECT_EQ(human_duration(minutes(60)), "About an hour");
    EXPECT_EQ(human_duration(minutes(89)), "About an hour");
    EXPECT_EQ(human_duration(minutes(90)), "2 hours");
    EXPECT_EQ(human_duration(hours(2)), "2 hours");
    EXPECT_EQ(human_duration(hours(47)), "47 hours");
    EXPECT_EQ(human_duration(hours(48)), "2 days");
    EXPECT_EQ(human_duration(hours(24 * 13)), "13 days");
    EXPECT_EQ(human_duration(hours(24 * 14)), "2 weeks");
    EXPECT_EQ(human_duration(hours(24 * 59)), "8 weeks");
    EXPECT_EQ(human_duration(hours(24 * 60)), "2 months");
    EXPECT_EQ(human_duration(hours(24 * 365 * 2)), "2 years");
}
