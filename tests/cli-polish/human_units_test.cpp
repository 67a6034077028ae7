// Sizes and durations as docker's go-units prints them (HumanDuration,
// HumanSizeWithPrecision, HumanSize, BytesSize), including the edges where
// rounding or the unit changes.
#include <gtest/gtest.h>

#include "byte_units.h"
#include "human_time.h"

using berth::cli::binary_size;
using berth::cli::created_since;
using berth::cli::decimal_size;
using berth::cli::human_duration;

TEST(HumanDuration, SecondsAndMinutesTruncate) {
    EXPECT_EQ(human_duration(-5), "Less than a second");
    EXPECT_EQ(human_duration(0), "Less than a second");
    EXPECT_EQ(human_duration(1), "1 second");
    EXPECT_EQ(human_duration(2), "2 seconds");
    EXPECT_EQ(human_duration(59), "59 seconds");
    EXPECT_EQ(human_duration(60), "About a minute");
    EXPECT_EQ(human_duration(119), "About a minute");
    EXPECT_EQ(human_duration(120), "2 minutes");
    EXPECT_EQ(human_duration(3 * 60 + 30), "3 minutes");
    EXPECT_EQ(human_duration(59 * 60 + 59), "59 minutes");
}

TEST(HumanDuration, HoursRoundAndLongerUnitsTruncate) {
    EXPECT_EQ(human_duration(60 * 60), "About an hour");
    EXPECT_EQ(human_duration(89 * 60), "About an hour");
    EXPECT_EQ(human_duration(90 * 60), "2 hours");  // hours round half up
    EXPECT_EQ(human_duration(47 * 3600), "47 hours");
    EXPECT_EQ(human_duration(48 * 3600), "2 days");
    EXPECT_EQ(human_duration(13 * 24 * 3600), "13 days");
    EXPECT_EQ(human_duration(14 * 24 * 3600), "2 weeks");
    EXPECT_EQ(human_duration(59 * 24 * 3600), "8 weeks");
    EXPECT_EQ(human_duration(60 * 24 * 3600), "2 months");
    EXPECT_EQ(human_duration(729 * 24 * 3600LL), "24 months");
    EXPECT_EQ(human_duration(730 * 24 * 3600LL), "2 years");
}

TEST(HumanDuration, CreatedSinceAddsAgo) {
    EXPECT_EQ(created_since(1000, 1000 + 2 * 3600), "2 hours ago");
    EXPECT_EQ(created_since(1000, 1000 + 3600), "About an hour ago");
    EXPECT_EQ(created_since(2000, 1000), "Less than a second ago");
}

TEST(HumanSize, ThreeSignificantDigitsForImagesAndHistory) {
    EXPECT_EQ(decimal_size(0, 3), "0B");
    EXPECT_EQ(decimal_size(999, 3), "999B");
    EXPECT_EQ(decimal_size(1000, 3), "1kB");
    EXPECT_EQ(decimal_size(1234567, 3), "1.23MB");
    EXPECT_EQ(decimal_size(4260000, 3), "4.26MB");
    EXPECT_EQ(decimal_size(77800000, 3), "77.8MB");
    EXPECT_EQ(decimal_size(123456789, 3), "123MB");
    // %.3g switches to an exponent past three digits, in Go as in C.
    EXPECT_EQ(decimal_size(999999, 3), "1e+03kB");
    EXPECT_EQ(decimal_size(1.5e9, 3), "1.5GB");
}

TEST(HumanSize, FourDigitsAndBinaryUnits) {
    EXPECT_EQ(decimal_size(1234567), "1.235MB");
    EXPECT_EQ(decimal_size(1500), "1.5kB");
    EXPECT_EQ(decimal_size(1e27), "1000YB");
    EXPECT_EQ(binary_size(0), "0B");
    EXPECT_EQ(binary_size(1024), "1KiB");
    EXPECT_EQ(binary_size(16461107200ULL), "15.33GiB");
    EXPECT_EQ(binary_size(1536), "1.5KiB");
}
