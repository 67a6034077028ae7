// The four manifest kinds: detection, parsing, refusal of schema1 and of
// contradictory or broken documents, and writing for a push.
#include "registry/digest.h"
#include "registry/errors.h"
#include "registry/manifest.h"
#include "registry/media_types.h"

#include <gtest/gtest.h>

using namespace berth::registry;

namespace {

const std::string kD1 = "sha256:" + std::string(64, '1');
const std::string kD2 = "sha256:" + std::string(64, '2');
const std::string kD3 = "sha256:" + std::string(64, '3');

std::string docker_manifest() {
    return R"({
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1469, "digest": ")" + kD1 + R"("},
   "layers": [
      {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2591, "digest": ")" + kD2 + R"("},
      {"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "size": 99, "digest": ")" + kD3 +
           R"(", "urls": ["https://mcr.microsoft.com/x"]}
   ]
})";
}

ErrorCategory category_of(const std::function<void()> &f) {
    try {
        f();
    } catch (const RegistryError &e) {
        return e.category();
    }
    ADD_FAILURE() << "no RegistryError";
    return ErrorCategory::Transient;
}

} // namespace

TEST(Manifest, DockerSchema2) {
    const auto m = parse_image_manifest(docker_manifest(), media_type::kDockerManifest);
    EXPECT_EQ(m.schema_version, 2);
    EXPECT_EQ(m.media_type, media_type::kDockerManifest);
    EXPECT_EQ(m.config.media_type, media_type::kDockerConfig);
    EXPECT_EQ(m.config.size, 1469);
    EXPECT_EQ(m.config.digest, kD1);
    ASSERT_EQ(m.layers.size(), 2u);
    EXPECT_EQ(m.layers[0].media_type, media_type::kDockerLayer);
    EXPECT_EQ(m.layers[0].size, 2591);
    EXPECT_EQ(m.layers[1].media_type, media_type::kDockerForeignLayer);
    ASSERT_EQ(m.layers[1].urls.size(), 1u);
    EXPECT_EQ(m.layers[1].urls[0], "https://mcr.microsoft.com/x");
}

TEST(Manifest, OciManifestWithoutMediaTypeField) {
    const std::string doc = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7,"digest":")" +
                            kD1 + R"("},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","size":5,"digest":")" +
                            kD2 + R"(","annotations":{"a":"b"}}],"annotations":{"org.opencontainers.image.created":"now"}})";
    EXPECT_EQ(detect_manifest_media_type("application/json", doc), media_type::kOciManifest);
    const auto m = parse_image_manifest(doc, media_type::kOciManifest);
    EXPECT_EQ(m.layers[0].media_type, media_type::kOciLayerZstd);
    EXPECT_EQ(m.layers[0].annotations.at("a"), "b");
    EXPECT_EQ(m.annotations.at("org.opencontainers.image.created"), "now");
}

TEST(Manifest, DockerManifestList) {
    const std::string doc = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
        {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":527,"digest":")" + kD1 + R"(","platform":{"architecture":"amd64","os":"linux"}},
        {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":527,"digest":")" + kD2 + R"(","platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
        {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":527,"digest":")" + kD3 + R"(","platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.1","os.features":["win32k"]}}]})";
    EXPECT_EQ(detect_manifest_media_type(media_type::kDockerManifestList, doc), media_type::kDockerManifestList);
    EXPECT_EQ(manifest_kind(media_type::kDockerManifestList), ManifestKind::Index);
    const auto idx = parse_manifest_index(doc, media_type::kDockerManifestList);
    ASSERT_EQ(idx.manifests.size(), 3u);
    ASSERT_TRUE(idx.manifests[1].platform);
    EXPECT_EQ(idx.manifests[1].platform->architecture, "arm64");
    EXPECT_EQ(idx.manifests[1].platform->variant, "v8");
    EXPECT_EQ(idx.manifests[2].platform->os_version, "10.0.17763.1");
    EXPECT_EQ(idx.manifests[2].platform->os_features, std::vector<std::string>{"win32k"});
}

TEST(Manifest, OciIndex) {
    const std::string doc = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":10,"digest":")" + kD1 + R"(","platform":{"architecture":"amd64","os":"linux"}},
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":10,"digest":")" + kD2 + R"(","platform":{"architecture":"unknown","os":"unknown"},
         "annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":")" + kD1 + R"("}}]})";
    EXPECT_EQ(detect_manifest_media_type("", doc), media_type::kOciIndex);
    const auto idx = parse_manifest_index(doc, media_type::kOciIndex);
    ASSERT_EQ(idx.manifests.size(), 2u);
    EXPECT_EQ(idx.manifests[1].annotations.at("vnd.docker.reference.type"), "attestation-manifest");
    // Content-Type parameters are ignored.
    EXPECT_EQ(detect_manifest_media_type("application/vnd.oci.image.index.v1+json; charset=utf-8", doc),
              media_type::kOciIndex);
}

TEST(Manifest, Schema1IsRefused) {
    EXPECT_EQ(category_of([] { detect_manifest_media_type(media_type::kDockerSchema1Signed, "{}"); }),
              ErrorCategory::Invalid);
    EXPECT_EQ(category_of([] { detect_manifest_media_type("application/json", R"({"schemaVersion":1,"name":"x"})"); }),
              ErrorCategory::Invalid);
    try {
        detect_manifest_media_type(media_type::kDockerSchema1Signed, "{}");
    } catch (const RegistryError &e) {
        EXPECT_NE(std::string(e.what()).find("schema 1"), std::string::npos) << e.what();
    }
}

TEST(Manifest, BrokenDocumentsAreCorrupt) {
    const auto mt = media_type::kDockerManifest;
    EXPECT_EQ(category_of([&] { parse_image_manifest("not json", mt); }), ErrorCategory::Corrupt);
    EXPECT_EQ(category_of([&] { parse_image_manifest(R"({"schemaVersion":2,"layers":[]})", mt); }),
              ErrorCategory::Corrupt);
    EXPECT_EQ(category_of([&] {
                  parse_image_manifest(
                      R"({"schemaVersion":2,"config":{"mediaType":"x","size":1,"digest":"sha256:nothex"},"layers":[]})", mt);
              }),
              ErrorCategory::Corrupt);
    EXPECT_EQ(category_of([&] {
                  parse_image_manifest(R"({"schemaVersion":2,"config":{"mediaType":"x","size":-1,"digest":")" + kD1 +
                                           R"("},"layers":[]})",
                                       mt);
              }),
              ErrorCategory::Corrupt);
    // The document's own mediaType must agree with the one served.
    EXPECT_EQ(category_of([&] { parse_image_manifest(docker_manifest(), media_type::kOciManifest); }),
              ErrorCategory::Corrupt);
    // An index is not a manifest.
    EXPECT_EQ(category_of([&] { parse_manifest_index(docker_manifest(), mt); }), ErrorCategory::Invalid);
    EXPECT_EQ(category_of([] { detect_manifest_media_type("text/plain", R"({"schemaVersion":2})"); }),
              ErrorCategory::Invalid);
}

TEST(Manifest, WriteThenParseRoundTrips) {
    ImageManifest m;
    m.media_type = std::string(media_type::kDockerManifest);
    m.config = Descriptor{.media_type = std::string(media_type::kDockerConfig), .digest = kD1, .size = 3};
    m.layers.push_back(Descriptor{.media_type = std::string(media_type::kDockerLayer), .digest = kD2, .size = 4});
    const auto bytes = write_image_manifest(m);
    EXPECT_EQ(bytes.find(R"("schemaVersion": 2)"), 5u) << bytes; // docker's field order and 3-space indent
    const auto back = parse_image_manifest(bytes, m.media_type);
    EXPECT_EQ(back.config, m.config);
    EXPECT_EQ(back.layers, m.layers);

    ManifestIndex idx;
    idx.media_type = std::string(media_type::kOciIndex);
    auto d = m.config;
    d.media_type = std::string(media_type::kOciManifest);
    d.platform = Platform{.os = "linux", .architecture = "arm64", .variant = "v8"};
    idx.manifests.push_back(d);
    const auto ib = write_manifest_index(idx);
    EXPECT_EQ(parse_manifest_index(ib, idx.media_type).manifests, idx.manifests);
    EXPECT_EQ(detect_manifest_media_type("", ib), media_type::kOciIndex);
}
