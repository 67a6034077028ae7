// The client against a real registry (Debian's docker-registry, distribution
// 2.8): push blobs and a schema2 manifest, pull them back by tag and digest,
// existence checks and cross-repository mounts, resumed downloads, tags,
// errors, and several threads sharing one client.
#include "oci_layout.h"
#include "real_registry.h"
#include "test_env.h"

#include "registry/blob_verifier.h"
#include "registry/digest.h"
#include "registry/errors.h"
#include "registry/manifest.h"
#include "registry/media_types.h"
#include "registry/platform.h"
#include "registry/registry_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>

using namespace berth::registry;
using namespace berth::registry::test;

namespace {

class RealRegistryTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        skip_reason_ = RealRegistry::unavailable_reason();
        if (skip_reason_.empty()) registry_ = std::make_unique<RealRegistry>();
    }
    static void TearDownTestSuite() { registry_.reset(); }

    void SetUp() override {
        if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
        client_ = std::make_unique<RegistryClient>(registry_->name(), fast_config());
    }

    // Pushes every blob of `img` and its manifest under `tag`.
    std::string push_image(const std::string &repo, const BuiltImage &img, const std::string &tag,
                           std::size_t chunk = 0) {
        BlobPushOptions opts;
        opts.chunk_size = chunk;
        client_->push_blob(repo, img.config_descriptor.digest, BlobSource::from_bytes(img.config), opts);
        for (std::size_t i = 0; i < img.layers.size(); ++i)
            client_->push_blob(repo, img.layer_descriptors[i].digest, BlobSource::from_bytes(img.layers[i]), opts);
        return client_->put_manifest(repo, tag, img.manifest_media_type, img.manifest);
    }

    static inline std::string skip_reason_;
    static inline std::unique_ptr<RealRegistry> registry_;
    std::unique_ptr<RegistryClient> client_;
};

std::string fetch_all(RegistryClient &c, const std::string &repo, const Descriptor &d) {
    std::string out;
    c.fetch_blob_verified(repo, d, [&](std::string_view b) { out.append(b); });
    return out;
}

} // namespace

TEST_F(RealRegistryTest, PushThenPullByTagAndDigest) {
    const auto img = build_image(Platform{.os = "linux", .architecture = "amd64"}, false, 2);
    // Tiny chunks: several PATCHes with Content-Range per layer.
    const auto digest = push_image("it/app", img, "v1", 64);
    EXPECT_EQ(digest, img.manifest_digest);
    EXPECT_EQ(client_->base_url(), "http://" + registry_->name()); // HTTPS refused, loopback → HTTP

    const auto by_tag = client_->get_manifest("it/app", "v1");
    EXPECT_EQ(by_tag.bytes, img.manifest);
    EXPECT_EQ(by_tag.media_type, media_type::kDockerManifest);
    EXPECT_EQ(by_tag.digest, img.manifest_digest);

    const auto by_digest = client_->get_manifest("it/app", img.manifest_digest);
    EXPECT_EQ(by_digest.bytes, img.manifest);

    const auto head = client_->head_manifest("it/app", "v1");
    ASSERT_TRUE(head);
    EXPECT_EQ(head->digest, img.manifest_digest);
    EXPECT_EQ(head->size, img.manifest.size());
    EXPECT_EQ(head->media_type, media_type::kDockerManifest);
    EXPECT_FALSE(client_->head_manifest("it/app", "nope"));

    const auto m = parse_image_manifest(by_tag.bytes, by_tag.media_type);
    EXPECT_EQ(client_->fetch_blob_bytes("it/app", m.config), img.config);
    ASSERT_EQ(m.layers.size(), 2u);
    for (std::size_t i = 0; i < m.layers.size(); ++i) EXPECT_EQ(fetch_all(*client_, "it/app", m.layers[i]), img.layers[i]);
}

TEST_F(RealRegistryTest, OciManifestRoundTrip) {
    const auto img = build_image(Platform{.os = "linux", .architecture = "arm64", .variant = "v8"}, true);
    push_image("it/oci", img, "latest");
    const auto got = client_->get_manifest("it/oci", "latest");
    EXPECT_EQ(got.media_type, media_type::kOciManifest);
    EXPECT_EQ(got.digest, img.manifest_digest);
}

TEST_F(RealRegistryTest, BlobExistsAndCrossRepositoryMount) {
    const std::string blob = random_bytes(5000, 1);
    const auto d = sha256_digest(blob);
    EXPECT_FALSE(client_->blob_exists("it/src", d));
    const auto pushed = client_->push_blob("it/src", d, BlobSource::from_bytes(blob));
    EXPECT_EQ(pushed.outcome, BlobPushOutcome::Uploaded);
    EXPECT_EQ(pushed.digest, d);
    EXPECT_EQ(client_->blob_exists("it/src", d), 5000u);

    EXPECT_FALSE(client_->blob_exists("it/dst", d));
    EXPECT_TRUE(client_->mount_blob("it/dst", d, "it/src"));
    EXPECT_EQ(client_->blob_exists("it/dst", d), 5000u);

    // A mount of a blob the source lacks is declined (202) ...
    const std::string other = random_bytes(100, 2);
    EXPECT_FALSE(client_->mount_blob("it/dst2", sha256_digest(other), "it/src"));
    // ... and push_blob then uploads through the session the registry opened.
    BlobPushOptions opts;
    opts.mount_from = "it/src";
    EXPECT_EQ(client_->push_blob("it/dst2", sha256_digest(other), BlobSource::from_bytes(other), opts).outcome,
              BlobPushOutcome::Uploaded);
    EXPECT_EQ(client_->push_blob("it/dst3", d, BlobSource::from_bytes(blob), opts).outcome, BlobPushOutcome::Mounted);
    EXPECT_EQ(client_->blob_exists("it/dst3", d), 5000u);
}

TEST_F(RealRegistryTest, ResumeBlobDownloadFromOffset) {
    const std::string blob = random_bytes(100000, 3);
    const auto d = sha256_digest(blob);
    client_->push_blob("it/resume", d, BlobSource::from_bytes(blob));

    // The caller has the first 40000 bytes: feed them to the verifier, ask for the rest.
    BlobVerifier verifier(d, blob.size());
    verifier.update(std::string_view(blob).substr(0, 40000));
    std::string tail;
    std::uint64_t last_done = 0, last_total = 0;
    BlobFetchOptions opts;
    opts.offset = 40000;
    opts.size = blob.size();
    opts.progress = [&](std::uint64_t done, std::uint64_t total) {
        last_done = done;
        last_total = total;
    };
    const auto r = client_->fetch_blob("it/resume", d,
                                       [&](std::string_view b) {
                                           verifier.update(b);
                                           tail.append(b);
                                       },
                                       opts);
    EXPECT_EQ(tail, blob.substr(40000));
    EXPECT_EQ(r.bytes, blob.size());
    EXPECT_EQ(r.retries, 0);
    EXPECT_EQ(last_done, blob.size());
    EXPECT_EQ(last_total, blob.size());
    EXPECT_NO_THROW(verifier.finish());
}

TEST_F(RealRegistryTest, TagsList) {
    const auto img = build_image(Platform{.os = "linux", .architecture = "amd64"}, false);
    push_image("it/tags", img, "t1");
    for (const char *t : {"t2", "t3", "t4", "t5"}) client_->put_manifest("it/tags", t, img.manifest_media_type, img.manifest);
    auto tags = client_->list_tags("it/tags", 2);
    std::sort(tags.begin(), tags.end());
    EXPECT_EQ(tags, (std::vector<std::string>{"t1", "t2", "t3", "t4", "t5"}));
}

TEST_F(RealRegistryTest, ErrorsCarryMobyMessagesAndCategories) {
    const auto img = build_image(Platform{.os = "linux", .architecture = "amd64"}, false);
    push_image("it/errors", img, "present");
    try {
        client_->get_manifest("it/errors", "absent");
        FAIL() << "unknown tag fetched";
    } catch (const RegistryError &e) {
        EXPECT_EQ(e.category(), ErrorCategory::NotFound);
        EXPECT_STREQ(e.what(), "manifest unknown: manifest unknown");
        EXPECT_EQ(suggested_http_status(e.category()), 404);
    }
    try {
        client_->get_manifest("it/never-pushed", "latest");
        FAIL() << "unknown repository fetched";
    } catch (const RegistryError &e) {
        EXPECT_EQ(e.category(), ErrorCategory::NotFound);
        EXPECT_NE(std::string(e.what()).find("unknown"), std::string::npos) << e.what();
    }
    try {
        client_->fetch_blob_bytes("it/errors", Descriptor{.media_type = "x", .digest = sha256_digest("nope"), .size = 4});
        FAIL() << "unknown blob fetched";
    } catch (const RegistryError &e) {
        EXPECT_EQ(e.category(), ErrorCategory::NotFound);
        EXPECT_STREQ(e.what(), "blob unknown: blob unknown to registry");
    }
    try {
        // The registry checks the digest of what was uploaded.
        client_->push_blob("it/errors", sha256_digest("claimed"), BlobSource::from_bytes("actual"));
        FAIL() << "upload under a wrong digest accepted";
    } catch (const RegistryError &e) {
        EXPECT_EQ(e.category(), ErrorCategory::Invalid);
        EXPECT_NE(std::string(e.what()).find("digest invalid"), std::string::npos) << e.what();
    }
}

TEST_F(RealRegistryTest, SeveralThreadsShareOneClient) {
    std::vector<std::string> blobs;
    for (unsigned i = 0; i < 8; ++i) blobs.push_back(random_bytes(20000 + i * 1000, 100 + i));
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < blobs.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                const auto d = sha256_digest(blobs[i]);
                client_->push_blob("it/threads", d, BlobSource::from_bytes(blobs[i]));
                const Descriptor desc{.media_type = "x", .digest = d, .size = std::int64_t(blobs[i].size())};
                for (int round = 0; round < 3; ++round)
                    if (fetch_all(*client_, "it/threads", desc) != blobs[i]) ++failures;
            } catch (const std::exception &e) {
                ADD_FAILURE() << e.what();
                ++failures;
            }
        });
    }
    for (auto &t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST_F(RealRegistryTest, PushFromFile) {
    TempDir tmp;
    const std::string blob = random_bytes(70000, 9);
    write_file(tmp.path() / "layer.bin", blob);
    const auto d = sha256_digest(blob);
    BlobPushOptions opts;
    opts.chunk_size = 16384;
    std::uint64_t last = 0;
    opts.progress = [&](std::uint64_t done, std::uint64_t) { last = done; };
    client_->push_blob("it/file", d, BlobSource::from_file(tmp.path() / "layer.bin"), opts);
    EXPECT_EQ(last, blob.size());
    EXPECT_EQ(client_->blob_exists("it/file", d), blob.size());
}

TEST_F(RealRegistryTest, ShortLocalSourceIsRefusedNotRetried) {
    auto source = BlobSource::from_bytes("abc");
    source.size = 10; // claims more than it has
    try {
        client_->push_blob("it/short", sha256_digest("abc"), source);
        FAIL() << "a short source was uploaded";
    } catch (const RegistryError &e) {
        EXPECT_EQ(e.category(), ErrorCategory::Invalid);
        EXPECT_NE(std::string(e.what()).find("the local blob ended at byte 3 of 10"), std::string::npos) << e.what();
    }
}
