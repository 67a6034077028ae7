// Streaming verification messages name the blob and the cause.
#include "registry/blob_verifier.h"
#include "registry/errors.h"

#include <gtest/gtest.h>

using namespace berth::registry;

namespace {

std::string failure(BlobVerifier &v) {
    try {
        v.finish();
    } catch (const RegistryError &e) {
        EXPECT_EQ(e.category(), ErrorCategory::Corrupt);
        return e.what();
    }
    return {};
}

} // namespace

TEST(BlobVerifier, Accepts) {
    BlobVerifier v(sha256_digest("hello world"), 11);
    v.update("hello ");
    v.update("world");
    EXPECT_NO_THROW(v.finish());
    EXPECT_EQ(v.received(), 11u);
}

TEST(BlobVerifier, DigestMismatch) {
    const auto want = sha256_digest("hello world");
    BlobVerifier v(want, 11);
    v.update("HELLO WORLD");
    EXPECT_EQ(failure(v), "digest mismatch for layer " + want + " : got " + sha256_digest("HELLO WORLD"));
}

TEST(BlobVerifier, ShortAndLong) {
    const auto want = sha256_digest("hello world");
    BlobVerifier shortv(want, 11);
    shortv.update("hello");
    EXPECT_EQ(failure(shortv), "unexpected EOF: got 5 of 11 bytes for " + want);

    BlobVerifier longv(want, 11, "config");
    longv.update("hello world");
    try {
        longv.update("!");
        FAIL() << "excess byte accepted";
    } catch (const RegistryError &e) {
        EXPECT_EQ(std::string(e.what()), "size mismatch: got more than 11 bytes for " + want);
    }
}

TEST(BlobVerifier, RefusesUnverifiableDigests) {
    EXPECT_THROW(BlobVerifier("sha512:" + std::string(128, 'a'), 1), RegistryError);
    EXPECT_THROW(BlobVerifier("nonsense", 1), RegistryError);
}
