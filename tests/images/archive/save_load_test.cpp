// docker save: the archive's layout and contents, which images and tags a
// name selects, and the save -> load round trip into a fresh data root.
#include "archive_test_util.h"

#include "images/digest.h"
#include "images/errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::images;
using namespace berth::images::archive;
using namespace berth::images::archive::test;
using nlohmann::json;

namespace {

std::string blob(const std::string &digest) { return "blobs/sha256/" + std::string(digest_hex(digest)); }

class SaveTest : public testing::Test {
protected:
    Store src;
    const std::string base = layer_tar("base.txt", "the base layer");
    const std::string top = layer_tar("top.txt", "the top layer");
};

TEST_F(SaveTest, ArchiveHasDocker25Layout) {
    const std::string id = src.make_image({base, top}, "a", LayerSource::KeptTar, "busybox:latest");
    const auto tar = read_tar(save_to_string(src.svc(), {"busybox"}));

    ASSERT_TRUE(tar.files.count("oci-layout"));
    EXPECT_EQ(json::parse(tar.files.at("oci-layout")), json::parse(R"({"imageLayoutVersion":"1.0.0"})"));
    // Layers are the uncompressed tars, named by diff_id.
    EXPECT_EQ(tar.files.at(blob(sha256_digest(base))), base);
    EXPECT_EQ(tar.files.at(blob(sha256_digest(top))), top);
    EXPECT_EQ(sha256_digest(tar.files.at(blob(id))), id);

    const json manifest = json::parse(tar.files.at("manifest.json"));
    ASSERT_EQ(manifest.size(), 1u);
    EXPECT_EQ(manifest[0]["Config"], blob(id));
    EXPECT_EQ(manifest[0]["RepoTags"], json::array({"busybox:latest"}));
    EXPECT_EQ(manifest[0]["Layers"], json::array({blob(sha256_digest(base)), blob(sha256_digest(top))}));

    const json repos = json::parse(tar.files.at("repositories"));
    EXPECT_EQ(repos["busybox"]["latest"], std::string(digest_hex(sha256_digest(top))));

    const json index = json::parse(tar.files.at("index.json"));
    EXPECT_EQ(index["mediaType"], "application/vnd.oci.image.index.v1+json");
    ASSERT_EQ(index["manifests"].size(), 1u);
    const json entry = index["manifests"][0];
    EXPECT_EQ(entry["annotations"]["io.containerd.image.name"], "docker.io/library/busybox:latest");
    EXPECT_EQ(entry["annotations"]["org.opencontainers.image.ref.name"], "latest");
    const std::string &mbytes = tar.files.at(blob(entry["digest"]));
    EXPECT_EQ(sha256_digest(mbytes), entry["digest"]);
    EXPECT_EQ(entry["size"], mbytes.size());
    const json m = json::parse(mbytes);
    EXPECT_EQ(m["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    EXPECT_EQ(m["config"]["digest"], id);
    ASSERT_EQ(m["layers"].size(), 2u);
    EXPECT_EQ(m["layers"][1]["digest"], sha256_digest(top));
    EXPECT_EQ(m["layers"][1]["size"], top.size());
    EXPECT_EQ(m["layers"][1]["mediaType"], "application/vnd.oci.image.layer.v1.tar");
}

TEST_F(SaveTest, SavingTwiceGivesTheSameBytes) {
    src.make_image({base, top}, "a", LayerSource::KeptTar, "busybox:latest");
    EXPECT_EQ(save_to_string(src.svc(), {"busybox:latest"}), save_to_string(src.svc(), {"busybox:latest"}));
}

TEST_F(SaveTest, ImagesSharingABaseLayerShareItsBlob) {
    src.make_image({base, top}, "a", LayerSource::KeptTar, "one:latest");
    src.make_image({base, layer_tar("other.txt", "another top")}, "b", LayerSource::KeptTar, "two:latest");
    const auto tar = read_tar(save_to_string(src.svc(), {"one", "two"}));
    EXPECT_EQ(std::count(tar.order.begin(), tar.order.end(), blob(sha256_digest(base))), 1);
    const json manifest = json::parse(tar.files.at("manifest.json"));
    ASSERT_EQ(manifest.size(), 2u);
    EXPECT_EQ(manifest[0]["Layers"][0], manifest[1]["Layers"][0]);
    EXPECT_EQ(json::parse(tar.files.at("index.json"))["manifests"].size(), 2u);
}

TEST_F(SaveTest, CompressedAndDriverOnlyLayersAreSavedUncompressed) {
    const std::string gz_id = src.make_image({base}, "gz", LayerSource::GzipBlob, "gz:1");
    const std::string drv_id = src.make_image({top}, "drv", LayerSource::DriverOnly, "drv:1");
    ASSERT_FALSE(src.svc().content().has(sha256_digest(base)));
    const auto tar = read_tar(save_to_string(src.svc(), {"gz:1", "drv:1"}));
    EXPECT_EQ(tar.files.at(blob(sha256_digest(base))), base);
    EXPECT_EQ(tar.files.at(blob(sha256_digest(top))), top);
    (void)gz_id;
    (void)drv_id;
}

TEST_F(SaveTest, DriverDiffThatDoesNotMatchTheDiffIdFailsTheSave) {
    src.make_image({top}, "drv", LayerSource::DriverOnly, "drv:1");
    // The driver now reproduces different bytes than were registered.
    const auto layer = src.svc().layers().list().front();
    src.driver->remove(layer.cache_id);
    src.driver->create(layer.cache_id, "", false);
    const auto fd = berth::images::test::fd_with("not the same tar");
    src.driver->apply_diff(layer.cache_id, "", fd.get());
    try {
        save_to_string(src.svc(), {"drv:1"});
        FAIL() << "save succeeded";
    } catch (const InternalError &e) {
        EXPECT_NE(std::string(e.what()).find("not to its diff_id"), std::string::npos) << e.what();
    }
}

TEST_F(SaveTest, NameSelectsTagsAndIdsLikeDockerSave) {
    const std::string a = src.make_image({base}, "a", LayerSource::KeptTar, "repo:one");
    src.svc().tag(a, "repo:two");
    src.svc().tag(a, "other:x");
    const std::string b = src.make_image({top}, "b", LayerSource::KeptTar, "repo:three");

    auto tags_of = [&](const std::vector<std::string> &names) {
        const auto tar = read_tar(save_to_string(src.svc(), names));
        std::map<std::string, json> out;
        for (const auto &item : json::parse(tar.files.at("manifest.json")))
            out[item["Config"].get<std::string>()] = item["RepoTags"];
        return out;
    };
    // A bare repository name: every tag in it.
    auto all = tags_of({"repo"});
    EXPECT_EQ(all[blob(a)], json::array({"repo:one", "repo:two"}));
    EXPECT_EQ(all[blob(b)], json::array({"repo:three"}));
    // One tag.
    auto one = tags_of({"repo:two"});
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[blob(a)], json::array({"repo:two"}));
    // An ID or a prefix: no tags at all (RepoTags null, as Go writes it).
    auto by_id = tags_of({std::string(digest_hex(a)).substr(0, 12)});
    EXPECT_TRUE(by_id[blob(a)].is_null());
    auto by_full = tags_of({a});
    EXPECT_TRUE(by_full[blob(a)].is_null());
}

TEST_F(SaveTest, UnknownNameFailsBeforeAnyByte) {
    src.make_image({base}, "a", LayerSource::KeptTar, "busybox:latest");
    std::string out;
    const ByteWriter writer = [&out](const char *p, size_t n) { out.append(p, n); };
    try {
        save_images(src.svc(), {"busybox", "nosuch:tag"}, writer);
        FAIL() << "save succeeded";
    } catch (const NotFound &e) {
        EXPECT_EQ(std::string(e.what()), "No such image: nosuch:tag");
    }
    EXPECT_THROW(save_images(src.svc(), {"nosuch"}, writer), NotFound);
    EXPECT_TRUE(out.empty());
}

TEST_F(SaveTest, ClientGoneStopsTheSave) {
    src.make_image({base, top}, "a", LayerSource::DriverOnly, "busybox:latest");
    size_t written = 0;
    const ByteWriter writer = [&written](const char *, size_t n) {
        written += n;
        if (written > 1024) throw std::runtime_error("client went away");
    };
    EXPECT_THROW(save_images(src.svc(), {"busybox"}, writer), std::runtime_error);
}

class RoundTripTest : public SaveTest {
protected:
    Store dst;
};

TEST_F(RoundTripTest, KeepsIdsTagsAndDiffIds) {
    const std::string a = src.make_image({base, top}, "a", LayerSource::GzipBlob, "busybox:latest");
    src.svc().tag(a, "localhost:5000/me/app:v1");
    const std::string b = src.make_image({base}, "b", LayerSource::DriverOnly);
    const std::string archive = save_to_string(src.svc(), {"busybox:latest", "localhost:5000/me/app:v1", b});

    CollectingSink sink;
    const LoadResult r = load_string(dst.svc(), archive, sink);
    EXPECT_EQ(r.loaded, (std::vector<std::string>{"busybox:latest", "localhost:5000/me/app:v1", b}));
    EXPECT_EQ(sink.streams(), (std::vector<std::string>{"Loaded image: busybox:latest\n",
                                                        "Loaded image: localhost:5000/me/app:v1\n",
                                                        "Loaded image ID: " + b + "\n"}));
    const Image got = dst.svc().resolve("busybox:latest");
    EXPECT_EQ(got.id, a);
    EXPECT_EQ(got.config.diff_ids, (std::vector<std::string>{sha256_digest(base), sha256_digest(top)}));
    EXPECT_EQ(dst.svc().resolve("localhost:5000/me/app:v1").id, a);
    EXPECT_EQ(dst.svc().resolve(b).id, b);
    EXPECT_EQ(dst.svc().images().config_bytes(a), src.svc().images().config_bytes(a));
    // The base layer is one layer, shared by both images.
    EXPECT_EQ(dst.svc().layers().list().size(), 2u);
    // Load kept the exact tars, so saving again reproduces the archive.
    EXPECT_EQ(save_to_string(dst.svc(), {"busybox:latest", "localhost:5000/me/app:v1", b}), archive);
    // Nothing left in the scratch space.
    EXPECT_TRUE(dst.snapshot().scratch.empty());
}

TEST_F(RoundTripTest, ReloadingIsIdempotentAndQuietSkipsProgress) {
    src.make_image({base, top}, "a", LayerSource::KeptTar, "busybox:latest");
    const std::string archive = save_to_string(src.svc(), {"busybox"});
    CollectingSink first, second;
    load_string(dst.svc(), archive, first, /*quiet=*/false);
    int loading = 0;
    for (const auto &m : first.messages)
        if (m.status == "Loading layer") {
            ++loading;
            EXPECT_EQ(m.current, m.total);
        }
    EXPECT_EQ(loading, 2);
    const auto before = dst.snapshot();
    load_string(dst.svc(), archive, second, /*quiet=*/true);
    EXPECT_EQ(second.streams(), (std::vector<std::string>{"Loaded image: busybox:latest\n"}));
    for (const auto &m : second.messages) EXPECT_TRUE(m.status.empty()) << m.status;
    EXPECT_EQ(dst.snapshot(), before);
}

TEST_F(RoundTripTest, ParentIsKeptWhenBothImagesAreSaved) {
    const std::string parent = src.make_image({base}, "p", LayerSource::KeptTar, "parent:1");
    // The child: the parent's config plus one step.
    const std::string diff_top = sha256_digest(top);
    RegisterOptions opts;
    opts.parent_chain = sha256_digest(base);
    opts.keep_tar_blob = true;
    const auto fd = berth::images::test::fd_with(top);
    src.svc().layers().register_layer(fd.get(), opts);
    const std::string child = src.svc().images().create_from_config(config_json({sha256_digest(base), diff_top}, "p")).id;
    // History of the child must extend the parent's: config_json makes one entry per layer, same marker.
    src.svc().images().set_parent(child, parent);
    src.svc().tag(child, "child:1");

    const auto tar = read_tar(save_to_string(src.svc(), {"parent:1", "child:1"}));
    const json manifest = json::parse(tar.files.at("manifest.json"));
    EXPECT_EQ(manifest[1]["Parent"], parent);

    CollectingSink sink;
    std::string bytes = save_to_string(src.svc(), {"parent:1", "child:1"});
    load_string(dst.svc(), bytes, sink);
    EXPECT_EQ(dst.svc().images().get(child).parent, parent);
}

} // namespace
