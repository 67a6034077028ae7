// The small helpers: RFC 3339 times, platforms, image config JSON, ids.
#include "images/errors.h"
#include "images/image_config.h"
#include "images/platform.h"
#include "images/random_id.h"
#include "images/time_format.h"

#include <gtest/gtest.h>

using namespace berth::images;

namespace {

TEST(TimeFormat, GoRfc3339Nano) {
    using namespace std::chrono;
    const system_clock::time_point t{seconds(1700000000)};
    EXPECT_EQ(format_rfc3339_nano(t), "2023-11-14T22:13:20Z");
    EXPECT_EQ(format_rfc3339_nano(t + milliseconds(120)), "2023-11-14T22:13:20.12Z");
    EXPECT_EQ(format_rfc3339_nano(t + nanoseconds(5)), "2023-11-14T22:13:20.000000005Z");
}

TEST(TimeFormat, Parse) {
    EXPECT_EQ(parse_rfc3339_ns("2023-11-14T22:13:20Z"), int64_t(1700000000) * 1000000000);
    EXPECT_EQ(parse_rfc3339_ns("2023-11-14T22:13:20.12Z"), int64_t(1700000000) * 1000000000 + 120000000);
    EXPECT_EQ(parse_rfc3339_ns("2023-11-15T00:13:20+02:00"), int64_t(1700000000) * 1000000000);
    EXPECT_EQ(parse_rfc3339_ns("2023-11-14T22:13:20.1234567891Z"), int64_t(1700000000) * 1000000000 + 123456789);
    EXPECT_FALSE(parse_rfc3339_ns("2023-11-14 22:13:20Z"));
    EXPECT_FALSE(parse_rfc3339_ns("2023-11-14T22:13:20"));
    EXPECT_FALSE(parse_rfc3339_ns("yesterday"));
    const auto now = std::chrono::system_clock::now();
    const auto round = parse_rfc3339_ns(format_rfc3339_nano(now));
    ASSERT_TRUE(round);
    EXPECT_EQ(*round, std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
}

// The image side uses the registry's platform rules (tested in
// tests/registry/platform_test.cpp); this checks only the host default.
TEST(PlatformTest, HostPlatformIsNormalisedLinux) {
    const Platform host = host_platform();
    EXPECT_EQ(host.os, "linux");
    EXPECT_FALSE(host.architecture.empty());
    EXPECT_EQ(normalize_platform(host), host);
    EXPECT_EQ(platform_string(parse_platform("linux/aarch64")), "linux/arm64/v8");
}

TEST(ImageConfigTest, ParseDockerConfig) {
    const std::string text = R"({"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",
        "author":"me","config":{"Cmd":["sh"],"Env":["PATH=/bin"]},
        "rootfs":{"type":"layers","diff_ids":["sha256:0139c1c77468f75e6763a4612262743bd47a36b26cb2863d662756b3377bb029"]},
        "history":[{"created":"2024-01-01T00:00:00Z","created_by":"ADD file"},{"created_by":"CMD","empty_layer":true}]})";
    const ImageConfig c = parse_image_config(text);
    EXPECT_EQ(c.architecture, "amd64");
    EXPECT_EQ(c.os, "linux");
    EXPECT_EQ(c.author, "me");
    EXPECT_EQ(c.created, "2024-01-01T00:00:00Z");
    EXPECT_EQ(c.config_json, R"({"Cmd":["sh"],"Env":["PATH=/bin"]})");
    ASSERT_EQ(c.diff_ids.size(), 1u);
    ASSERT_EQ(c.history.size(), 2u);
    EXPECT_EQ(c.history[0].created_by, "ADD file");
    EXPECT_TRUE(c.history[1].empty_layer);
    // Round trip through the writer keeps every field.
    const ImageConfig again = parse_image_config(serialize_image_config(c));
    EXPECT_EQ(again.config_json, c.config_json);
    EXPECT_EQ(again.diff_ids, c.diff_ids);
    EXPECT_EQ(again.history, c.history);
    EXPECT_EQ(serialize_image_config(c), serialize_image_config(again)) << "serialisation must be stable";
}

TEST(ImageConfigTest, RejectsMalformed) {
    auto message = [](const std::string &s) {
        try {
            (void)parse_image_config(s);
        } catch (const InvalidArgument &e) {
            return std::string(e.what());
        }
        return std::string("ok");
    };
    EXPECT_EQ(message("[]"), "image config: not a JSON object");
    EXPECT_EQ(message("{"), "image config: not a JSON object");
    EXPECT_EQ(message(R"({"os":"linux"})"), "image config: rootfs is missing");
    EXPECT_EQ(message(R"({"rootfs":{"type":"zfs"}})"), "image config: rootfs.type must be \"layers\"");
    EXPECT_EQ(message(R"({"rootfs":{"type":"layers","diff_ids":["sha256:12"]}})"),
              "image config: rootfs.diff_ids[0]: invalid checksum digest length");
    EXPECT_EQ(message(R"({"os":5,"rootfs":{"type":"layers"}})"), "image config: os must be a string");
    EXPECT_EQ(message(R"({"rootfs":{"type":"layers"}})"), "ok") << "an image without layers is valid";
}

TEST(RandomId, HexOfRequestedLength) {
    const auto a = random_hex(32), b = random_hex(32);
    EXPECT_EQ(a.size(), 64u);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

} // namespace
