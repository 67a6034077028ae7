// docker load of every archive shape it must read: the pre-25 layout
// (<id>/layer.tar, with repeated layers as symlinks), OCI-only layouts
// (tags from index annotations, nested indexes), compressed layers and
// compressed archives, and tags that move from another image.
#include "archive_test_util.h"

#include "images/digest.h"
#include "images/platform.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::images;
using namespace berth::images::archive;
using namespace berth::images::archive::test;
using nlohmann::json;

namespace {

std::string hex(const std::string &digest) { return std::string(digest_hex(digest)); }
std::string v1id(char c) { return std::string(64, c); }

class LoadFormatsTest : public testing::Test {
protected:
    Store dst;
    const std::string base = layer_tar("base.txt", "base content");
    const std::string top = layer_tar("top.txt", "top content");
    const std::string other = layer_tar("other.txt", "other content");
};

TEST_F(LoadFormatsTest, LegacyLayoutWithSymlinkedLayer) {
    const std::string cfg1 = config_json({sha256_digest(base), sha256_digest(top)}, "legacy1");
    const std::string cfg2 = config_json({sha256_digest(base), sha256_digest(other)}, "legacy2");
    json manifest = json::array();
    manifest.push_back({{"Config", hex(sha256_digest(cfg1)) + ".json"},
                        {"RepoTags", {"old:1"}},
                        {"Layers", {v1id('a') + "/layer.tar", v1id('b') + "/layer.tar"}}});
    manifest.push_back({{"Config", hex(sha256_digest(cfg2)) + ".json"},
                        {"RepoTags", {"old:2", "me/old:latest"}},
                        {"Layers", {v1id('c') + "/layer.tar", v1id('d') + "/layer.tar"}}});
    const std::string archive = make_tar({
        {v1id('a'), "", TarMember::Dir},
        {v1id('a') + "/VERSION", "1.0"},
        {v1id('a') + "/json", R"({"id":")" + v1id('a') + R"("})"},
        {v1id('a') + "/layer.tar", base},
        {v1id('b') + "/layer.tar", top},
        // old docker save wrote a layer it had already written as a symlink
        {v1id('c') + "/layer.tar", "", TarMember::Symlink, "../" + v1id('a') + "/layer.tar"},
        {v1id('d') + "/layer.tar", other},
        {hex(sha256_digest(cfg1)) + ".json", cfg1},
        {hex(sha256_digest(cfg2)) + ".json", cfg2},
        {"manifest.json", manifest.dump()},
        {"repositories", R"({"old":{"1":")" + v1id('b') + R"("}})"},
    });
    CollectingSink sink;
    const LoadResult r = load_string(dst.svc(), archive, sink);
    EXPECT_EQ(r.loaded, (std::vector<std::string>{"old:1", "old:2", "me/old:latest"}));
    EXPECT_EQ(dst.svc().resolve("old:1").id, sha256_digest(cfg1));
    EXPECT_EQ(dst.svc().resolve("me/old").id, sha256_digest(cfg2));
    EXPECT_EQ(dst.svc().layers().list().size(), 3u); // base shared
}

// An OCI image layout: blobs, index.json and no manifest.json.
struct OciArchive {
    std::vector<TarMember> members{{"oci-layout", R"({"imageLayoutVersion":"1.0.0"})"}};
    json index = {{"schemaVersion", 2}, {"manifests", json::array()}};

    std::string add_blob(const std::string &bytes) {
        const std::string d = sha256_digest(bytes);
        members.push_back({"blobs/sha256/" + hex(d), bytes});
        return d;
    }
    // Returns the manifest's descriptor.
    json add_image(const std::string &config, const std::vector<std::pair<std::string, std::string>> &layers) {
        json m = {{"schemaVersion", 2},
                  {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                  {"config",
                   {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                    {"digest", add_blob(config)},
                    {"size", config.size()}}},
                  {"layers", json::array()}};
        for (const auto &[media_type, bytes] : layers)
            m["layers"].push_back({{"mediaType", media_type}, {"digest", add_blob(bytes)}, {"size", bytes.size()}});
        const std::string mbytes = m.dump();
        return {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                {"digest", add_blob(mbytes)},
                {"size", mbytes.size()}};
    }
    std::string tar() {
        auto all = members;
        all.push_back({"index.json", index.dump()});
        return make_tar(all);
    }
};

TEST_F(LoadFormatsTest, OciOnlyArchiveWithCompressedLayersAndAnnotatedTags) {
    OciArchive oci;
    const std::string cfg1 = config_json({sha256_digest(base), sha256_digest(top)}, "oci1");
    json d1 = oci.add_image(cfg1, {{"application/vnd.oci.image.layer.v1.tar+gzip", compress(base, Compression::Gzip)},
                                   {"application/vnd.oci.image.layer.v1.tar+zstd", compress(top, Compression::Zstd)}});
    d1["annotations"] = {{"io.containerd.image.name", "docker.io/library/ocitest:v1"},
                         {"org.opencontainers.image.ref.name", "v1"}};
    oci.index["manifests"].push_back(d1);
    const std::string cfg2 = config_json({sha256_digest(other)}, "oci2");
    json d2 = oci.add_image(cfg2, {{"application/vnd.oci.image.layer.v1.tar", other}});
    // skopeo's oci: transport writes only the ref name.
    d2["annotations"] = {{"org.opencontainers.image.ref.name", "localhost:5000/skopeo:v2"}};
    oci.index["manifests"].push_back(d2);
    const std::string cfg3 = config_json({sha256_digest(base)}, "oci3");
    json d3 = oci.add_image(cfg3, {{"application/vnd.oci.image.layer.v1.tar+gzip", compress(base, Compression::Gzip)}});
    d3["annotations"] = {{"org.opencontainers.image.ref.name", "latest"}}; // a bare tag names no repository
    oci.index["manifests"].push_back(d3);

    CollectingSink sink;
    const LoadResult r = load_string(dst.svc(), oci.tar(), sink);
    EXPECT_EQ(r.loaded, (std::vector<std::string>{"ocitest:v1", "localhost:5000/skopeo:v2", sha256_digest(cfg3)}));
    EXPECT_EQ(dst.svc().resolve("ocitest:v1").id, sha256_digest(cfg1));
    EXPECT_EQ(dst.svc().resolve("localhost:5000/skopeo:v2").id, sha256_digest(cfg2));
    EXPECT_TRUE(dst.svc().images().has(sha256_digest(cfg3)));
    // The uncompressed tars are kept (digest = diff_id).
    EXPECT_TRUE(dst.svc().content().has(sha256_digest(top)));
}

TEST_F(LoadFormatsTest, NestedIndexPicksTheHostPlatformThatIsPresent) {
    OciArchive oci;
    const std::string cfg = config_json({sha256_digest(base)}, "multi");
    json child = oci.add_image(cfg, {{"application/vnd.oci.image.layer.v1.tar", base}});
    const Platform host = host_platform();
    child["platform"] = {{"os", host.os}, {"architecture", host.architecture}};
    json missing = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                    {"digest", sha256_digest("not in the archive")},
                    {"size", 18},
                    {"platform", {{"os", "linux"}, {"architecture", "s390x"}}}};
    json nested = {{"schemaVersion", 2},
                   {"mediaType", "application/vnd.oci.image.index.v1+json"},
                   {"manifests", {missing, child}}};
    const std::string nbytes = nested.dump();
    oci.index["manifests"].push_back({{"mediaType", "application/vnd.oci.image.index.v1+json"},
                                      {"digest", oci.add_blob(nbytes)},
                                      {"size", nbytes.size()},
                                      {"annotations", {{"io.containerd.image.name", "docker.io/library/multi:1"}}}});
    CollectingSink sink;
    const LoadResult r = load_string(dst.svc(), oci.tar(), sink);
    EXPECT_EQ(r.loaded, (std::vector<std::string>{"multi:1"}));
    EXPECT_EQ(dst.svc().resolve("multi:1").id, sha256_digest(cfg));
}

TEST_F(LoadFormatsTest, Docker25ContainerdStyleCompressedLayersInManifestJson) {
    // docker 25+ on the containerd store names blobs by their compressed digest.
    const std::string cfg = config_json({sha256_digest(base)}, "gz");
    const std::string gz = compress(base, Compression::Gzip);
    json manifest = json::array({{{"Config", "blobs/sha256/" + hex(sha256_digest(cfg))},
                                  {"RepoTags", {"gz:latest"}},
                                  {"Layers", {"blobs/sha256/" + hex(sha256_digest(gz))}}}});
    const std::string archive = make_tar({{"blobs/sha256/" + hex(sha256_digest(cfg)), cfg},
                                          {"blobs/sha256/" + hex(sha256_digest(gz)), gz},
                                          {"manifest.json", manifest.dump()}});
    CollectingSink sink;
    load_string(dst.svc(), archive, sink);
    EXPECT_EQ(dst.svc().resolve("gz").config.diff_ids, (std::vector<std::string>{sha256_digest(base)}));
}

TEST_F(LoadFormatsTest, CompressedArchiveLoads) {
    Store src;
    src.make_image({base}, "a", LayerSource::KeptTar, "zipped:1");
    const std::string archive = compress(save_to_string(src.svc(), {"zipped:1"}), Compression::Gzip);
    CollectingSink sink;
    EXPECT_EQ(load_string(dst.svc(), archive, sink).loaded, (std::vector<std::string>{"zipped:1"}));
}

TEST_F(LoadFormatsTest, LoadingATagThatNamesAnotherImageMovesIt) {
    const std::string old_id = dst.make_image({base}, "old", LayerSource::KeptTar, "busybox:latest");
    Store src;
    const std::string new_id = src.make_image({top}, "new", LayerSource::KeptTar, "busybox:latest");
    CollectingSink sink;
    load_string(dst.svc(), save_to_string(src.svc(), {"busybox"}), sink);
    EXPECT_EQ(sink.streams(),
              (std::vector<std::string>{"The image busybox:latest already exists, renaming the old one with ID " +
                                            old_id + " to empty string\n",
                                        "Loaded image: busybox:latest\n"}));
    EXPECT_EQ(dst.svc().resolve("busybox").id, new_id);
    EXPECT_TRUE(dst.svc().images().has(old_id)); // dangling now, as in docker
}

TEST_F(LoadFormatsTest, HardLinkedAndDotSlashMembers) {
    const std::string cfg = config_json({sha256_digest(base), sha256_digest(base)}, "twice");
    json manifest = json::array({{{"Config", "./cfg.json"}, {"RepoTags", {"twice:1"}}, {"Layers", {"a/layer.tar", "b/layer.tar"}}}});
    const std::string archive = make_tar({{"./cfg.json", cfg},
                                          {"./a/layer.tar", base},
                                          {"./b/layer.tar", "", TarMember::Hardlink, "./a/layer.tar"},
                                          {"./manifest.json", manifest.dump()}});
    CollectingSink sink;
    EXPECT_EQ(load_string(dst.svc(), archive, sink).loaded, (std::vector<std::string>{"twice:1"}));
}

} // namespace
