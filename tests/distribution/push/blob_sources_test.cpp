// BlobSourceIndex: newest first, de-duplicated, capped, persistent in
// moby's shape, tolerant of damaged files, safe from several threads.
#include "distribution/blob_sources.h"
#include "images/digest.h"
#include "images/errors.h"
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

using namespace berth;
using namespace berth::distribution;

namespace {

const std::string kDigest = images::sha256_digest("blob");

TEST(BlobSourceIndex, EmptyForAnUnknownBlob) {
    images::test::TempDir dir;
    BlobSourceIndex index(dir.path());
    EXPECT_TRUE(index.locations(kDigest).empty());
}

TEST(BlobSourceIndex, NewestFirstWithoutDuplicates) {
    images::test::TempDir dir;
    BlobSourceIndex index(dir.path());
    index.add(kDigest, "127.0.0.1:5000", "a");
    index.add(kDigest, "127.0.0.1:5000", "b");
    index.add(kDigest, "docker.io", "library/busybox");
    index.add(kDigest, "127.0.0.1:5000", "a");
    const std::vector<BlobLocation> want{
        {"127.0.0.1:5000", "a"}, {"docker.io", "library/busybox"}, {"127.0.0.1:5000", "b"}};
    EXPECT_EQ(index.locations(kDigest), want);
}

TEST(BlobSourceIndex, SurvivesReopenInMobysFileShape) {
    images::test::TempDir dir;
    {
        BlobSourceIndex index(dir.path());
        index.add(kDigest, "127.0.0.1:5000", "team/app");
    }
    BlobSourceIndex reopened(dir.path());
    ASSERT_EQ(reopened.locations(kDigest).size(), 1u);
    EXPECT_EQ(reopened.locations(kDigest)[0], (BlobLocation{"127.0.0.1:5000", "team/app"}));
    const auto file = dir.path() / "image/distribution/v2metadata-by-digest/sha256" /
                      std::string(images::digest_hex(kDigest));
    const auto json = nlohmann::json::parse(images::test::read_all(file));
    ASSERT_TRUE(json.is_array());
    EXPECT_EQ(json[0]["Digest"], kDigest);
    EXPECT_EQ(json[0]["SourceRepository"], "127.0.0.1:5000/team/app");
    // No temp file left beside it.
    size_t files = 0;
    for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(file.parent_path())) ++files;
    EXPECT_EQ(files, 1u);
}

TEST(BlobSourceIndex, KeepsOnlyTheNewestEntries) {
    images::test::TempDir dir;
    BlobSourceIndex index(dir.path());
    for (size_t i = 0; i < BlobSourceIndex::kMaxLocationsPerBlob + 5; ++i)
        index.add(kDigest, "r:1", "repo" + std::to_string(i));
    const auto list = index.locations(kDigest);
    ASSERT_EQ(list.size(), BlobSourceIndex::kMaxLocationsPerBlob);
    EXPECT_EQ(list.front().repository, "repo" + std::to_string(BlobSourceIndex::kMaxLocationsPerBlob + 4));
}

TEST(BlobSourceIndex, RemoveForgetsOneLocation) {
    images::test::TempDir dir;
    BlobSourceIndex index(dir.path());
    index.add(kDigest, "r:1", "a");
    index.add(kDigest, "r:1", "b");
    index.remove(kDigest, {"r:1", "a"});
    EXPECT_EQ(index.locations(kDigest), (std::vector<BlobLocation>{{"r:1", "b"}}));
    index.remove(kDigest, {"r:1", "b"});
    EXPECT_TRUE(index.locations(kDigest).empty());
}

TEST(BlobSourceIndex, DamagedFileReadsAsEmptyAndIsRepairedByAdd) {
    images::test::TempDir dir;
    BlobSourceIndex index(dir.path());
    index.add(kDigest, "r:1", "a");
    images::test::write_all(index.directory() / std::string(images::digest_hex(kDigest)), "{not json");
    EXPECT_TRUE(index.locations(kDigest).empty());
    index.add(kDigest, "r:1", "b");
    EXPECT_EQ(index.locations(kDigest), (std::vector<BlobLocation>{{"r:1", "b"}}));
}

TEST(BlobSourceIndex, RefusesMalformedDigests) {
    images::test::TempDir dir;
    BlobSourceIndex index(dir.path());
    EXPECT_THROW(index.add("sha256:../../etc", "r:1", "a"), images::InvalidArgument);
    EXPECT_THROW(index.locations("md5:abc"), images::InvalidArgument);
}

TEST(BlobSourceIndex, ConcurrentAddsAllLand) {
    images::test::TempDir dir;
    BlobSourceIndex index(dir.path());
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&index, t] {
            for (int i = 0; i < 2; ++i) index.add(kDigest, "r:1", "t" + std::to_string(t) + "-" + std::to_string(i));
        });
    threads.clear();
    EXPECT_EQ(index.locations(kDigest).size(), BlobSourceIndex::kMaxLocationsPerBlob);
}

} // namespace
