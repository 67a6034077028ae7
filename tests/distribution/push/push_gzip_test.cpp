// The layer gzip a push makes: reproducible bytes (no name, mtime 0, fixed
// level), a correct stream, the diff_id computed on the way, cancellation.
#include "distribution/push_gzip.h"
#include "images/digest.h"
#include "images/unique_fd.h"
#include "push_test_support.h"
#include "registry/errors.h"

#include <gtest/gtest.h>

using namespace berth;
using namespace berth::distribution;

namespace {

std::string pseudo_random(size_t n) {
    std::string s(n, '\0');
    uint32_t x = 12345;
    for (auto &c : s) {
        x = x * 1103515245u + 12345u;
        c = char(x >> 16);
    }
    return s;
}

std::string gzip_fd(const std::string &data, GzipStreamResult *result = nullptr) {
    auto fd = images::test::fd_with(data);
    std::string out;
    auto r = gzip_stream(fd.get(), [&](std::string_view b) { out.append(b); });
    if (result) *result = r;
    return out;
}

TEST(PushGzip, HeaderHasNoTimestampNoNameAndUnixOs) {
    const auto gz = gzip_bytes("hello");
    ASSERT_GE(gz.size(), 10u);
    EXPECT_EQ(uint8_t(gz[0]), 0x1f);
    EXPECT_EQ(uint8_t(gz[1]), 0x8b);
    EXPECT_EQ(gz[2], 8);     // deflate
    EXPECT_EQ(gz[3], 0);     // flags: no name, no comment, no extra
    EXPECT_EQ(gz.substr(4, 4), std::string(4, '\0')); // mtime 0
}

TEST(PushGzip, SameInputSameBytesEveryTime) {
    const auto data = test::make_tar({{"a", "alpha"}, {"b/c", pseudo_random(300000)}});
    const auto first = gzip_fd(data);
    EXPECT_EQ(gzip_fd(data), first);
    EXPECT_EQ(gzip_bytes(data), first) << "streaming and one-shot compression agree";
}

TEST(PushGzip, RoundTripsAndReportsDiffIdAndSizes) {
    const auto data = pseudo_random(1 << 20) + std::string(1 << 20, 'z'); // several buffers
    GzipStreamResult r;
    const auto gz = gzip_fd(data, &r);
    EXPECT_EQ(test::gunzip(gz), data);
    EXPECT_EQ(r.uncompressed_digest, images::sha256_digest(data));
    EXPECT_EQ(r.uncompressed_size, int64_t(data.size()));
    EXPECT_EQ(r.compressed_size, int64_t(gz.size()));
}

TEST(PushGzip, EmptyInputIsAValidGzip) {
    GzipStreamResult r;
    const auto gz = gzip_fd("", &r);
    EXPECT_EQ(test::gunzip(gz), "");
    EXPECT_EQ(r.uncompressed_digest, images::sha256_digest(""));
}

TEST(PushGzip, StopsWhenCanceled) {
    std::stop_source stop;
    stop.request_stop();
    auto fd = images::test::fd_with("data");
    try {
        gzip_stream(fd.get(), [](std::string_view) {}, stop.get_token());
        FAIL() << "expected a cancellation";
    } catch (const registry::RegistryError &e) {
        EXPECT_STREQ(e.what(), "context canceled");
    }
}

TEST(PushGzip, OutputFailurePropagates) {
    auto fd = images::test::fd_with(pseudo_random(1 << 20));
    EXPECT_THROW(gzip_stream(fd.get(), [](std::string_view) { throw std::runtime_error("disk full"); }),
                 std::runtime_error);
}

} // namespace
