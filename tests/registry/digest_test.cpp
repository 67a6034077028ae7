// sha256 through OpenSSL EVP, streaming equal to one-shot, and the digest
// grammar.
#include "registry/digest.h"

#include <gtest/gtest.h>

using namespace berth::registry;

TEST(Digest, KnownValues) {
    EXPECT_EQ(sha256_digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_digest("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, StreamingMatchesOneShotAndRestarts) {
    Sha256 h;
    h.update("a");
    h.update("");
    h.update("bc");
    EXPECT_EQ(h.finish(), sha256_digest("abc"));
    h.update("abc");
    EXPECT_EQ(h.finish(), sha256_digest("abc"));
}

TEST(Digest, Grammar) {
    const std::string ok = sha256_digest("x");
    EXPECT_TRUE(is_sha256_digest(ok));
    EXPECT_TRUE(is_digest(ok));
    EXPECT_FALSE(is_sha256_digest("sha256:ABC"));
    EXPECT_FALSE(is_sha256_digest(ok + "0"));
    EXPECT_FALSE(is_digest("latest"));
    EXPECT_FALSE(is_digest("sha256:short"));
    EXPECT_TRUE(is_digest("sha512:" + std::string(128, 'a')));
    EXPECT_TRUE(is_digest("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"));
    EXPECT_FALSE(is_digest(":abc"));
    EXPECT_FALSE(is_digest("sha256:"));
    EXPECT_FALSE(is_digest("sha256:../../etc"));
}
