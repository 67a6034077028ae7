// The image store: configs become images only on top of registered
// layers, records are crash-safe, prefixes resolve uniquely.
#include "images/content_store.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/image_store.h"
#include "images/layer_store.h"

#include "fake_layer_driver.h"
#include "test_util.h"

#include <gtest/gtest.h>

using namespace berth::images;
using berth::images::test::FakeLayerDriver;
using berth::images::test::TempDir;

namespace {

std::string config_for(const std::vector<std::string> &diff_ids, const std::string &marker = "") {
    ImageConfig c;
    c.architecture = "amd64";
    c.os = "linux";
    c.comment = marker;
    c.diff_ids = diff_ids;
    return serialize_image_config(c);
}

class ImageStoreTest : public testing::Test {
protected:
    std::filesystem::path root() const { return dir.path() / "image"; }
    std::unique_ptr<ImageStore> open() { return std::make_unique<ImageStore>(root(), content, layers); }
    std::string layer(const std::string &bytes, const std::string &parent = {}) {
        auto fd = test::fd_with(bytes);
        RegisterOptions o;
        o.parent_chain = parent;
        return layers.register_layer(fd.get(), o).layer.chain_id;
    }

    TempDir dir;
    std::shared_ptr<FakeLayerDriver> driver = std::make_shared<FakeLayerDriver>();
    ContentStore content{dir.path() / "image"};
    LayerStore layers{dir.path() / "image", driver, &content};
};

TEST_F(ImageStoreTest, CreateFromConfig) {
    const auto c1 = layer("one");
    const auto c2 = layer("two", c1);
    const std::string cfg = config_for({sha256_digest("one"), sha256_digest("two")});
    auto store = open();
    const Image img = store->create_from_config(cfg);
    EXPECT_EQ(img.id, sha256_digest(cfg));
    EXPECT_EQ(img.chain_ids, (std::vector<std::string>{c1, c2}));
    EXPECT_EQ(img.top_chain(), c2);
    EXPECT_EQ(img.config.architecture, "amd64");
    EXPECT_EQ(content.read(img.id), cfg);
    EXPECT_EQ(store->config_bytes(img.id), cfg);
    EXPECT_TRUE(std::filesystem::is_directory(root() / "imagedb/metadata/sha256" / std::string(digest_hex(img.id))));
    EXPECT_EQ(store->create_from_config(cfg).id, img.id) << "idempotent";
    EXPECT_EQ(store->chains_in_use(), (std::set<std::string>{c1, c2}));

    auto reopened = open();
    ASSERT_EQ(reopened->list().size(), 1u);
    EXPECT_EQ(reopened->get(img.id).chain_ids, img.chain_ids);
}

TEST_F(ImageStoreTest, UnregisteredLayersAreRefused) {
    layer("one");
    auto store = open();
    // "two" was never registered; and layers in the wrong order do not chain.
    for (const auto &cfg :
         {config_for({sha256_digest("one"), sha256_digest("two")}), config_for({sha256_digest("two")})}) {
        EXPECT_THROW(store->create_from_config(cfg), NotFound);
        EXPECT_FALSE(content.has(sha256_digest(cfg)));
    }
    EXPECT_TRUE(store->list().empty());
    EXPECT_THROW(store->create_from_config("{not json"), InvalidArgument);
}

TEST_F(ImageStoreTest, RemoveDropsRecordAndConfig) {
    auto store = open();
    const auto id = store->create_from_config(config_for({})).id;
    store->remove(id);
    EXPECT_FALSE(store->has(id));
    EXPECT_FALSE(content.has(id));
    try {
        store->get(id);
        FAIL();
    } catch (const NotFound &e) {
        EXPECT_EQ(std::string(e.what()), "No such image: " + id);
    }
    EXPECT_THROW(store->remove(id), NotFound);
    EXPECT_TRUE(open()->list().empty());
}

TEST_F(ImageStoreTest, ResolvePrefix) {
    auto store = open();
    // 17 images: two must share their first hex digit.
    std::map<char, std::vector<std::string>> by_first;
    for (int i = 0; i < 17; ++i) {
        const auto id = store->create_from_config(config_for({}, std::to_string(i))).id;
        by_first[id[7]].push_back(id);
    }
    std::string shared;
    for (const auto &[c, ids] : by_first)
        if (ids.size() > 1) shared = std::string(1, c);
    ASSERT_FALSE(shared.empty());
    EXPECT_THROW(store->resolve_prefix(shared), AmbiguousPrefix);
    const auto &some = by_first[shared[0]].front();
    EXPECT_EQ(store->resolve_prefix(std::string(digest_hex(some))), some);
    EXPECT_EQ(store->resolve_prefix(some), some);
    EXPECT_EQ(store->resolve_prefix(some.substr(0, 7 + 20)), some);
    EXPECT_THROW(store->resolve_prefix(""), NotFound);
    EXPECT_THROW(store->resolve_prefix("sha256:"), NotFound);
    EXPECT_THROW(store->resolve_prefix("XYZ"), NotFound);
    std::string absent = std::string(digest_hex(some));
    absent[63] = absent[63] == '0' ? '1' : '0';
    EXPECT_THROW(store->resolve_prefix(absent), NotFound);
}

TEST_F(ImageStoreTest, MetadataPersists) {
    auto store = open();
    const auto parent = store->create_from_config(config_for({}, "parent")).id;
    const auto child = store->create_from_config(config_for({}, "child"), parent).id;
    EXPECT_EQ(store->children(parent), std::vector<std::string>{child});
    store->set_last_updated(child, "2024-01-01T00:00:00Z");
    const auto manifest = sha256_digest("manifest");
    store->add_manifest(child, manifest);
    store->add_manifest(child, manifest);
    auto reopened = open();
    const auto img = reopened->get(child);
    EXPECT_EQ(img.parent, parent);
    EXPECT_EQ(img.last_updated, "2024-01-01T00:00:00Z");
    EXPECT_EQ(img.manifests, std::vector<std::string>{manifest});
    reopened->set_parent(child, "");
    EXPECT_TRUE(open()->children(parent).empty());
    EXPECT_THROW(reopened->set_last_updated(sha256_digest("nope"), "x"), NotFound);
}

TEST_F(ImageStoreTest, BrokenAndHalfWrittenRecordsAreIgnored) {
    {
        auto store = open();
        store->create_from_config(config_for({}, "good"));
    }
    // A record whose config blob is missing, a stray name, a leftover temp.
    std::filesystem::create_directories(root() / "imagedb/metadata/sha256" / std::string(64, 'a'));
    std::filesystem::create_directories(root() / "imagedb/metadata/sha256/junk");
    std::filesystem::create_directories(root() / "imagedb/tmp/create-dead");
    auto store = open();
    EXPECT_EQ(store->list().size(), 1u);
    EXPECT_TRUE(std::filesystem::is_empty(root() / "imagedb/tmp"));
}

} // namespace
