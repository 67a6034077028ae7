// Which bytes a push sends for a layer and which manifest it PUTs, over the
// in-memory storage driver (no registry needed).
#include "distribution/push_layer_blob.h"
#include "distribution/push_manifest.h"
#include "images/digest.h"
#include "images/errors.h"
#include "push_test_support.h"
#include "registry/manifest.h"
#include "registry/media_types.h"

#include <gtest/gtest.h>

using namespace berth;
using namespace berth::distribution;
namespace mt = berth::registry::media_type;

namespace {

class PushLayerBlob : public ::testing::Test {
protected:
    images::LayerRecord only_layer(const std::string &image_id) {
        const auto img = store.service->images().get(image_id);
        return *store.service->layers().get(img.chain_ids.at(0));
    }
    test::LocalStore store;
    const std::string tar = test::make_tar({{"etc/hostname", "berth\n"}, {"bin/sh", std::string(70000, 'x')}});
};

TEST_F(PushLayerBlob, ImportedTarIsGzippedOnceAndRecordedOnTheLayer) {
    const auto id = store.import(tar, "127.0.0.1:5000/app:latest");
    const auto before = only_layer(id);
    ASSERT_TRUE(before.descriptor);
    EXPECT_EQ(before.descriptor->media_type, images::kLayerTarMediaType);

    const auto blob = layer_blob_for_push(*store.service, before);
    EXPECT_EQ(blob.media_type, mt::kDockerLayer);
    const auto gz = store.service->content().read(blob.digest);
    EXPECT_EQ(int64_t(gz.size()), blob.size);
    EXPECT_EQ(test::gunzip(gz), tar);

    const auto after = only_layer(id);
    ASSERT_TRUE(after.descriptor);
    EXPECT_EQ(after.descriptor->digest, blob.digest);
    EXPECT_EQ(after.descriptor->media_type, mt::kDockerLayer);
    // The second time it is sent as is.
    EXPECT_EQ(layer_blob_for_push(*store.service, after), blob);
    EXPECT_EQ(store.ingest_files(), 0u);
}

TEST_F(PushLayerBlob, LayerWithoutBlobIsReadBackFromTheDriverToTheSameDigest) {
    const auto kept = layer_blob_for_push(*store.service, only_layer(store.import(tar, "a:1")));
    test::LocalStore other;
    const auto id = other.import(tar, "b:1", /*keep_tar=*/false);
    const auto rec = *other.service->layers().get(other.service->images().get(id).chain_ids[0]);
    EXPECT_FALSE(rec.descriptor);
    const auto blob = layer_blob_for_push(*other.service, rec);
    EXPECT_EQ(blob.digest, kept.digest) << "deterministic gzip: same tar, same blob";
    EXPECT_EQ(other.ingest_files(), 0u);
}

TEST_F(PushLayerBlob, DriverThatDoesNotReproduceTheTarIsRefused) {
    store.driver->stop_reading_after(1024); // the driver keeps only part of the tar
    const auto id = store.import(tar, "a:1", /*keep_tar=*/false);
    const auto rec = *store.service->layers().get(store.service->images().get(id).chain_ids[0]);
    try {
        layer_blob_for_push(*store.service, rec);
        FAIL() << "expected a refusal";
    } catch (const images::InternalError &e) {
        EXPECT_NE(std::string(e.what()).find("cannot be pushed"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(rec.diff_id), std::string::npos) << e.what();
    }
    EXPECT_FALSE(store.service->layers().get(rec.chain_id)->descriptor);
    EXPECT_EQ(store.ingest_files(), 0u);
    EXPECT_EQ(store.service->content().list().size(), 1u) << "only the config blob";
}

TEST_F(PushLayerBlob, CompressedDescriptorIsSentAsIs) {
    const auto id = store.import(tar, "a:1");
    auto rec = only_layer(id);
    const auto zstd_like = store.service->content().put("pretend zstd bytes");
    store.service->layers().set_descriptor(rec.chain_id, {std::string(mt::kOciLayerZstd), zstd_like, 18});
    const auto blob = layer_blob_for_push(*store.service, *store.service->layers().get(rec.chain_id));
    EXPECT_EQ(blob.digest, zstd_like);
    EXPECT_EQ(blob.media_type, mt::kOciLayerZstd);
}

TEST_F(PushLayerBlob, BuiltManifestIsDockerSchema2ForGzipLayers) {
    const std::string config = R"({"rootfs":{"type":"layers","diff_ids":[]}})";
    registry::Descriptor layer{.media_type = std::string(mt::kOciLayerGzip), .digest = images::sha256_digest("l"), .size = 1};
    const auto m = build_manifest(config, {layer});
    EXPECT_EQ(m.media_type, mt::kDockerManifest);
    const auto parsed = registry::parse_image_manifest(m.bytes, m.media_type);
    EXPECT_EQ(parsed.config.media_type, mt::kDockerConfig);
    EXPECT_EQ(parsed.config.digest, images::sha256_digest(config));
    EXPECT_EQ(parsed.config.size, int64_t(config.size()));
    ASSERT_EQ(parsed.layers.size(), 1u);
    EXPECT_EQ(parsed.layers[0].media_type, mt::kDockerLayer);
}

TEST_F(PushLayerBlob, BuiltManifestIsOciWhenALayerHasNoDockerType) {
    registry::Descriptor gz{.media_type = std::string(mt::kDockerLayer), .digest = images::sha256_digest("a"), .size = 1};
    registry::Descriptor zs{.media_type = std::string(mt::kOciLayerZstd), .digest = images::sha256_digest("b"), .size = 1};
    const auto m = build_manifest("{}", {gz, zs});
    EXPECT_EQ(m.media_type, mt::kOciManifest);
    const auto parsed = registry::parse_image_manifest(m.bytes, m.media_type);
    EXPECT_EQ(parsed.config.media_type, mt::kOciConfig);
    EXPECT_EQ(parsed.layers[0].media_type, mt::kOciLayerGzip);
    EXPECT_EQ(parsed.layers[1].media_type, mt::kOciLayerZstd);
}

TEST_F(PushLayerBlob, RecordedManifestIsReusedOnlyWhenItsBlobsArePresent) {
    const auto id = store.import(tar, "a:1");
    const auto blob = layer_blob_for_push(*store.service, only_layer(id));
    auto img = store.service->images().get(id);
    EXPECT_FALSE(recorded_manifest(*store.service, img));

    // A manifest as a pull would have recorded it (OCI, so not what build_manifest writes).
    registry::ImageManifest m;
    m.media_type = std::string(mt::kOciManifest);
    m.config = {.media_type = std::string(mt::kOciConfig), .digest = id,
                .size = int64_t(store.service->images().config_bytes(id).size())};
    m.layers = {blob};
    m.layers[0].media_type = std::string(mt::kOciLayerGzip);
    const auto bytes = registry::write_image_manifest(m);
    const auto digest = store.service->content().put(bytes);
    store.service->images().add_manifest(id, digest);
    img = store.service->images().get(id);
    const auto reused = recorded_manifest(*store.service, img);
    ASSERT_TRUE(reused);
    EXPECT_EQ(reused->bytes, bytes);
    EXPECT_EQ(reused->media_type, mt::kOciManifest);

    // Without its layer blob it cannot be reused.
    store.service->content().remove(blob.digest);
    EXPECT_FALSE(recorded_manifest(*store.service, img));
}

TEST_F(PushLayerBlob, RecordedManifestOfAnotherImageIsIgnored) {
    const auto id = store.import(tar, "a:1");
    registry::ImageManifest m;
    m.media_type = std::string(mt::kDockerManifest);
    m.config = {.media_type = std::string(mt::kDockerConfig), .digest = images::sha256_digest("other"), .size = 5};
    const auto digest = store.service->content().put(registry::write_image_manifest(m));
    store.service->images().add_manifest(id, digest);
    EXPECT_FALSE(recorded_manifest(*store.service, store.service->images().get(id)));
}

} // namespace
