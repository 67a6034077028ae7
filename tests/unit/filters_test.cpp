#include "api/filters.h"
#include "api/http_types.h"

#include <gtest/gtest.h>

using namespace berth::api;

TEST(Filters, BothJsonShapes) {
    auto f = Filters::parse(R"({"reference":{"busybox":true},"dangling":["true"]})", {"reference", "dangling"});
    ASSERT_EQ(f.values("reference").size(), 1u);
    EXPECT_EQ(f.values("reference")[0], "busybox");
    EXPECT_TRUE(f.boolean("dangling", false));
    EXPECT_FALSE(f.has("label"));
    EXPECT_TRUE(f.values("label").empty());
    EXPECT_TRUE(f.any_or_absent("label", [](const std::string &) { return false; }));
    EXPECT_FALSE(f.any_or_absent("reference", [](const std::string &v) { return v == "other"; }));
}

TEST(Filters, RefusesUnknownKeysAndBadValues) {
    try {
        Filters::parse(R"({"colour":{"red":true}})", {"reference"});
        FAIL() << "unknown key accepted";
    } catch (const ApiError &e) {
        EXPECT_EQ(e.status(), 400);
        EXPECT_STREQ(e.what(), "invalid filter 'colour'");
    }
    EXPECT_THROW(Filters::parse("not json", {"a"}), ApiError);
    auto f = Filters::parse(R"({"dangling":{"maybe":true}})", {"dangling"});
    EXPECT_THROW(f.boolean("dangling", false), ApiError);
    EXPECT_TRUE(Filters::parse("", {}).values("x").empty());
}

TEST(Filters, Labels) {
    const std::map<std::string, std::string> labels{{"a", "1"}, {"b", ""}};
    EXPECT_TRUE(labels_match(labels, "a"));
    EXPECT_TRUE(labels_match(labels, "a=1"));
    EXPECT_FALSE(labels_match(labels, "a=2"));
    EXPECT_TRUE(labels_match(labels, "b="));
    EXPECT_FALSE(labels_match(labels, "c"));
}
