// sha256 (OpenSSL EVP) and chain IDs against values computed with
// coreutils sha256sum:
//   printf 'layer-one' | sha256sum          -> D1 (likewise D2, D3)
//   printf '%s %s' "$D1" "$D2" | sha256sum   -> C2
//   printf '%s %s' "$C2" "$D3" | sha256sum   -> C3
#include "images/digest.h"
#include "images/errors.h"

#include "test_util.h"

#include <gtest/gtest.h>

using namespace berth::images;

namespace {

const std::string D1 = "sha256:0139c1c77468f75e6763a4612262743bd47a36b26cb2863d662756b3377bb029";
const std::string D2 = "sha256:4381142a944dccfafc4428f3b1d4469713054b918f3c97f2e7f1cac2c25e0cc4";
const std::string D3 = "sha256:6c743db43f0448c007a51265ac822887f39ea7e6600820511cc46f9f63690fd5";
const std::string C2 = "sha256:aff998a96a2f925843dfb74108505e06ba8a26c9ff277ee74ede14a9bd9090b0";
const std::string C3 = "sha256:0c591124fb48bc3416c43b04465bf075a13e4949d16e3c58b274b18a00494da7";

TEST(Digest, KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_digest("abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_digest("layer-one"), D1);
    EXPECT_EQ(sha256_digest("layer-two"), D2);
    EXPECT_EQ(sha256_digest("layer-three"), D3);
}

TEST(Digest, StreamingMatchesOneShotAndPeekingIsHarmless) {
    const std::string data(300000, 'x');
    Sha256 h;
    h.update(data.substr(0, 1000));
    EXPECT_EQ(h.digest(), sha256_digest(data.substr(0, 1000)));
    h.update(data.substr(1000));
    EXPECT_EQ(h.digest(), sha256_digest(data));
    EXPECT_EQ(h.bytes(), data.size());
    Sha256 moved = std::move(h);
    EXPECT_EQ(moved.digest(), sha256_digest(data));
    moved.reset();
    EXPECT_EQ(moved.digest(), sha256_digest(""));
}

TEST(Digest, OfFdAndFile) {
    auto fd = test::fd_with("abc");
    EXPECT_EQ(sha256_digest_of_fd(fd.get()), sha256_digest("abc"));
    test::TempDir dir;
    test::write_all(dir.path() / "f", "layer-two");
    EXPECT_EQ(sha256_digest_of_file(dir.path() / "f"), D2);
    EXPECT_THROW(sha256_digest_of_file(dir.path() / "missing"), NotFound);
}

TEST(Digest, ChainIds) {
    EXPECT_EQ(chain_id("", D1), D1);
    EXPECT_EQ(chain_id(D1, D2), C2);
    EXPECT_EQ(chain_id(C2, D3), C3);
    EXPECT_EQ(chain_ids({D1, D2, D3}), (std::vector<std::string>{D1, C2, C3}));
    EXPECT_TRUE(chain_ids({}).empty());
}

TEST(Digest, Validation) {
    EXPECT_TRUE(is_sha256_digest(D1));
    EXPECT_FALSE(is_sha256_digest(D1.substr(0, 70)));
    EXPECT_FALSE(is_sha256_digest("sha256:" + std::string(64, 'A')));
    EXPECT_FALSE(is_sha256_digest("sha512:" + D1.substr(7)));
    EXPECT_TRUE(is_identifier(D1.substr(7)));
    EXPECT_NO_THROW(validate_digest(D1));
    EXPECT_NO_THROW(validate_digest("sha512:" + std::string(128, 'a')));
    auto message = [](const std::string &s) {
        try {
            validate_digest(s);
        } catch (const InvalidArgument &e) {
            return std::string(e.what());
        }
        return std::string("ok");
    };
    EXPECT_EQ(message("sha256"), "invalid checksum digest format");
    EXPECT_EQ(message(":abc"), "invalid checksum digest format");
    EXPECT_EQ(message("sha256:"), "invalid checksum digest format");
    EXPECT_EQ(message("sha256:abc"), "invalid checksum digest length");
    EXPECT_EQ(message("sha256:" + std::string(64, 'g')), "invalid checksum digest format");
    EXPECT_EQ(message("md5:abcdef"), "unsupported digest algorithm");
    EXPECT_EQ(message("MD5:abc"), "invalid checksum digest format");
    EXPECT_THROW(require_sha256_digest("sha512:" + std::string(128, 'a')), InvalidArgument);
    // Digests never turn into paths: traversal attempts are malformed.
    EXPECT_THROW(require_sha256_digest("sha256:../../etc/passwd"), InvalidArgument);
}

TEST(Digest, ShortIdAndHex) {
    EXPECT_EQ(short_id(D1), "0139c1c77468");
    EXPECT_EQ(short_id("0139c1c77468f7"), "0139c1c77468");
    EXPECT_EQ(digest_hex(D1), D1.substr(7));
    EXPECT_EQ(digest_hex("nocolon"), "nocolon");
}

} // namespace
